import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../../..');
const outDir = mkdtempSync(path.join(tmpdir(), 'flowbench-build-'));

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('electron-vite build', () => {
  it('builds main, a sandbox-ready preload and the renderer', async () => {
    const cli = path.join(repo, 'node_modules/electron-vite/bin/electron-vite.js');
    await promisify(execFile)(process.execPath, [cli, 'build', '--outDir', outDir, '--logLevel', 'error'], {
      cwd: repo,
      timeout: 120_000,
    });

    const main = readFileSync(path.join(outDir, 'main/index.js'), 'utf8');
    // Native addons stay external (loaded from node_modules / app.asar.unpacked).
    expect(main).toMatch(/from "better-sqlite3"/);
    expect(main).toContain('sandbox: true');

    // Sandboxed preloads must be one CommonJS file requiring nothing but electron.
    const preload = readFileSync(path.join(outDir, 'preload/index.cjs'), 'utf8');
    expect(preload).toContain('exposeInMainWorld("flowbench"');
    expect([...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])).toEqual(['electron']);

    const html = readFileSync(path.join(outDir, 'renderer/index.html'), 'utf8');
    expect(html).toContain("script-src 'self'");
    expect(readdirSync(path.join(outDir, 'renderer/assets')).some((f) => /^plotly.*\.js$/.test(f))).toBe(true);
    expect(existsSync(path.join(outDir, 'renderer/src'))).toBe(false);
  });
});
