#!/usr/bin/env node
/**
 * Builds the native engine addon (native/ → native/build/Release/flowbench_native.node) when
 * a C++ compiler and the BLAS headers are present, and otherwise explains why it is skipped.
 * It never fails the install: without the addon, training runs on wasm and says why.
 * Run by `npm install` / `npm ci` (package.json "postinstall"); by hand: `node scripts/build-native.mjs`.
 *
 * Writes native/build/status.json { built, reason } so the engine can report the reason.
 * FLOWBENCH_NATIVE=0 skips the build; FLOWBENCH_NATIVE_PRETEND_NO_BLAS=1 acts as if the BLAS
 * headers were missing (to check the no-BLAS install path on a machine that has them);
 * FLOWBENCH_BLAS_INCLUDE_DIRS (path-list) replaces the folders searched for the OpenBLAS
 * headers (tests/integration/build-native.test.ts points it at a folder without them).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = path.join(root, 'native');
const statusFile = path.join(nativeDir, 'build', 'status.json');
const require = createRequire(import.meta.url);

function finish(built, reason) {
  // A skipped build leaves no addon from an earlier one behind: what loads matches the status.
  if (!built) rmSync(path.join(nativeDir, 'build', 'Release'), { recursive: true, force: true });
  mkdirSync(path.dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, `${JSON.stringify({ built, reason, platform: process.platform, arch: process.arch }, null, 2)}\n`);
  console.log(built ? `flowbench: native engine built (${reason})` : `flowbench: native engine skipped: ${reason}; training will run on wasm`);
  process.exit(0);
}

const runs = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** Where a BLAS with a CBLAS header lives on this platform, or why there is none. */
function findBlas() {
  if (process.env.FLOWBENCH_NATIVE_PRETEND_NO_BLAS === '1') return { error: 'no BLAS headers (FLOWBENCH_NATIVE_PRETEND_NO_BLAS=1)' };
  if (process.platform === 'darwin') return { found: 'Accelerate' };
  const override = process.env.FLOWBENCH_BLAS_INCLUDE_DIRS;
  const dirs = override ? override.split(path.delimiter).filter(Boolean) : [
    '/usr/include/x86_64-linux-gnu/openblas-pthread', '/usr/include/aarch64-linux-gnu/openblas-pthread',
    '/usr/include/openblas', '/usr/include', '/usr/local/include', ...(process.env.OPENBLAS_INCLUDE ? [process.env.OPENBLAS_INCLUDE] : []),
  ];
  const dir = dirs.find((d) => existsSync(path.join(d, 'cblas.h')) && existsSync(path.join(d, 'openblas_config.h')));
  if (!dir) {
    const where = override ? ` in FLOWBENCH_BLAS_INCLUDE_DIRS (${dirs.join(path.delimiter)})` : '';
    return { error: `OpenBLAS headers not found (cblas.h + openblas_config.h)${where}; on Debian/Ubuntu: apt-get install libopenblas-dev` };
  }
  return { found: `OpenBLAS (${dir})` };
}

function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    (() => { try { return require.resolve('node-gyp/bin/node-gyp.js'); } catch { return null; } })(),
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((c) => c && existsSync(c)) ?? null;
}

if (process.env.FLOWBENCH_NATIVE === '0') finish(false, 'FLOWBENCH_NATIVE=0');
const compiler = process.platform === 'win32' ? 'cl' : ['c++', 'g++', 'clang++'].find((c) => runs(c, ['--version']));
if (!compiler) finish(false, 'no C++ compiler (c++, g++ or clang++) on PATH');
const blas = findBlas();
if (blas.error) finish(false, blas.error);
try {
  require.resolve('node-addon-api');
} catch {
  finish(false, 'node-addon-api is not installed (npm install should have put it in node_modules)');
}
const gyp = findNodeGyp();
if (!gyp) finish(false, 'node-gyp not found (neither npm\'s bundled copy nor node_modules/node-gyp)');

const args = [gyp, 'rebuild', '--release'];
// Node's own headers when the distribution ships them (Debian's nodejs), so no download is needed.
if (!process.env.npm_config_nodedir && existsSync('/usr/include/node/node_api.h')) args.push('--nodedir=/usr');
const r = spawnSync(process.execPath, args, { cwd: nativeDir, encoding: 'utf8' });
const addon = path.join(nativeDir, 'build', 'Release', 'flowbench_native.node');
if (r.status !== 0 || !existsSync(addon)) {
  const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
  console.log(tail);
  finish(false, `the addon did not compile (node-gyp exit ${r.status}; output above)`);
}
finish(true, `${blas.found}, ${compiler}`);
