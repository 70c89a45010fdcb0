/**
 * `flowbench show` says which engine trained a run and why the faster ones were skipped,
 * from what the run recorder stores (the started event's backend_skipped, in versions).
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatRunDetail, showRun } from '../../../src-main/host/runs/run-report.js';
import { openStore, type Store } from '../../../src-main/store/index.js';
import { newRun, tempDir } from '../store/helpers.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(() => { tmp = tempDir(); store = openStore(join(tmp.dir, 'runs.sqlite')); });
afterEach(() => { store.close(); tmp.cleanup(); });

describe('show: the engine and why faster ones were skipped', () => {
  it('prints the reason for a wasm fallback and nothing extra for a native run', () => {
    store.runs.create(newRun('dit-run'));
    store.runs.update('dit-run', { backend: 'wasm', versions: { tfjs: '4.22.0', backend_skipped: JSON.stringify({ native: 'model.velocity_net = dit is not covered by the native engine yet (mlp is)' }) } });
    store.runs.create(newRun('mlp-run'));
    store.runs.update('mlp-run', { backend: 'native', versions: { tfjs: '4.22.0', backend_skipped: '{}' } });
    const dit = formatRunDetail(showRun(store, 'dit-run'));
    expect(dit).toMatch(/backend wasm\n\s+faster engines skipped: native: model\.velocity_net = dit is not covered/);
    const mlp = formatRunDetail(showRun(store, 'mlp-run'));
    expect(mlp).toMatch(/backend native\n/);
    expect(mlp).not.toMatch(/faster engines skipped/);
  });
});
