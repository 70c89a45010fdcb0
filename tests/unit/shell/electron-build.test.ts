import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createForkLauncher } from '../../../src-main/host/engine-link/engine-launcher.js';
import { createJobManager } from '../../../src-main/host/app/job-manager.js';
import { resolveDraft } from '../../../src-main/host/app/run-draft.js';
import { openStore } from '../../../src-main/store/index.js';

const repo = path.resolve(import.meta.dirname, '../../..');
// Inside node_modules/.cache so the bundled engine resolves its external packages
// (tfjs, h5wasm, fft.js) from the repository's node_modules when it runs below.
mkdirSync(path.join(repo, 'node_modules/.cache'), { recursive: true });
const outDir = mkdtempSync(path.join(repo, 'node_modules/.cache/flowbench-build-'));

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

  it('bundles the engine as a second main entry that runs as plain Node (what utilityProcess runs)', { timeout: 120_000 }, async () => {
    const engine = path.join(outDir, 'main/engine.js');
    const text = readFileSync(engine, 'utf8');
    // tfjs and the wasm/native packages stay external; the engine never pulls in Electron or SQLite.
    expect(text).toMatch(/from "@tensorflow\/tfjs"/);
    expect(text).not.toMatch(/from "electron"|better-sqlite3/);
    const chunks = readdirSync(path.join(outDir, 'main')).map((f) => readFileSync(path.join(outDir, 'main', f), 'utf8')).join('\n');
    expect(chunks).toMatch(/(from |import\()"h5wasm\/node"/); // imported on first use (h5wasm-module.ts)
    expect(readFileSync(path.join(outDir, 'main/index.js'), 'utf8')).toContain('engine.js');

    // A real tiny run through the job manager, the bundled entry forked without tsx.
    const home = mkdtempSync(path.join(outDir, 'home-'));
    const store = openStore(path.join(home, 'db.sqlite'));
    const jobs = createJobManager({ store, workdir: path.join(home, 'runs'), cwd: repo, launcher: createForkLauncher(engine, []) });
    try {
      const sets = ['data.window_length=256', 'data.stride=128', 'model.hidden_dim=64', 'trainer.steps_per_epoch=2', 'task.epochs=2', 'data.max_windows_per_file=8'];
      const id = await jobs.startRun(resolveDraft({ scale: 'quick', sets }, repo).spec);
      const finished = await jobs.whenFinished(id);
      expect(finished?.status, finished?.reason).toBe('completed');
      expect(store.metrics.summary(id).some((m) => m.name === 'flow_loss')).toBe(true);
    } finally {
      await jobs.close();
      store.close();
    }
  });
});
