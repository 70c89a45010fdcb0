/**
 * The install step (scripts/build-native.mjs, npm's postinstall) on machines that cannot
 * build the addon: it finishes with exit 0, says why, records the reason in
 * native/build/status.json (which the engine reports as why native was skipped) and leaves
 * no addon from an earlier build behind. The script runs from a copy in a temp folder, so the
 * repository's own build stays untouched.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = path.resolve('scripts/build-native.mjs');

/** A temp root with scripts/build-native.mjs and a stale native/build/Release/flowbench_native.node. */
function layout(): { root: string; stale: string; status: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'flowbench-build-native-'));
  mkdirSync(path.join(root, 'scripts'));
  copyFileSync(SCRIPT, path.join(root, 'scripts', 'build-native.mjs'));
  const release = path.join(root, 'native', 'build', 'Release');
  mkdirSync(release, { recursive: true });
  const stale = path.join(release, 'flowbench_native.node');
  writeFileSync(stale, 'an addon from an earlier build');
  return { root, stale, status: path.join(root, 'native', 'build', 'status.json') };
}

function install(root: string, env: Record<string, string>): { status: number | null; out: string } {
  const { FLOWBENCH_NATIVE: _n, FLOWBENCH_NATIVE_PRETEND_NO_BLAS: _p, ...base } = process.env;
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-native.mjs')], { env: { ...base, ...env }, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('npm install without what the native engine needs', () => {
  it('finishes when the BLAS headers are missing, naming them and the package to install', () => {
    const { root, stale, status } = layout();
    const emptyInclude = path.join(root, 'include'); // no cblas.h here
    mkdirSync(emptyInclude);
    const r = install(root, { FLOWBENCH_BLAS_INCLUDE_DIRS: emptyInclude });
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/native engine skipped: OpenBLAS headers not found \(cblas\.h \+ openblas_config\.h\)/);
    expect(r.out).toContain(emptyInclude);
    expect(r.out).toMatch(/apt-get install libopenblas-dev; training will run on wasm/);
    const s = JSON.parse(readFileSync(status, 'utf8')) as { built: boolean; reason: string };
    expect(s.built).toBe(false);
    expect(s.reason).toMatch(/OpenBLAS headers not found/);
    expect(existsSync(stale)).toBe(false);
  });

  it('finishes when there is no C++ compiler on PATH', () => {
    const { root, stale, status } = layout();
    const r = install(root, { PATH: path.join(root, 'scripts') }); // a folder with no compiler in it
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/native engine skipped: no C\+\+ compiler/);
    expect(JSON.parse(readFileSync(status, 'utf8'))).toMatchObject({ built: false });
    expect(existsSync(stale)).toBe(false);
  });

  it('goes on to node-gyp once the headers are found (here: headers present, node-addon-api not beside the copy)', () => {
    const { root, status } = layout();
    const include = path.join(root, 'include');
    mkdirSync(include);
    writeFileSync(path.join(include, 'cblas.h'), '');
    writeFileSync(path.join(include, 'openblas_config.h'), '');
    const r = install(root, { FLOWBENCH_BLAS_INCLUDE_DIRS: include });
    expect(r.status).toBe(0);
    // Past the header check: the next requirement is the one named.
    expect(r.out).toMatch(/native engine skipped: node-addon-api is not installed/);
    expect(JSON.parse(readFileSync(status, 'utf8'))).toMatchObject({ built: false });
  });
});
