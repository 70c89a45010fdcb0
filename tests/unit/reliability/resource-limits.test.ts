/**
 * Resource limits as named settings (data/limits.ts), the model memory estimate, wasm
 * "out of bounds" as out of memory, and the end-of-run summary of a run without a checkpoint.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../../../src-main/config/index.js';
import { estimateModelMemory } from '../../../src-main/config/run-checks.js';
import { DEFAULT_LIMITS, limitEnvName, limits } from '../../../src-main/data/limits.js';
import { isOutOfMemory } from '../../../src-main/engine/train/stability-guard.js';
import { formatTrainSummary } from '../../../src-main/host/train/train-summary.js';
import { openStore } from '../../../src-main/store/index.js';
import { tempHome } from '../../support/cli.js';

const home = tempHome('flowbench-limits-');
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('resource limits', () => {
  it('each limit has an environment override; a malformed one keeps the default', () => {
    expect(limitEnvName('maxDecompressedMb')).toBe('FLOWBENCH_LIMIT_MAX_DECOMPRESSED_MB');
    expect(limits({ FLOWBENCH_LIMIT_MAX_DECOMPRESSED_MB: '2048' }).maxDecompressedMb).toBe(2048);
    for (const bad of ['0', '-1', 'lots', 'NaN', 'Infinity']) {
      expect(limits({ FLOWBENCH_LIMIT_CSV_MAX_COLUMNS: bad }).csvMaxColumns).toBe(DEFAULT_LIMITS.csvMaxColumns);
    }
  });

  it('hidden_dim 8192 starts with a warning giving the memory estimate (it used 7.4 GB with none)', () => {
    const { warnings } = loadRunSpec({ configPath: null, scale: 'quick', sets: ['model.hidden_dim=8192'], cwd: home });
    expect(warnings.map((w) => w.message).join('\n')).toMatch(/needs about \d+ MiB to train \(8\d\.\d M parameters, batch 32\)/);
    const { warnings: none } = loadRunSpec({ configPath: null, scale: 'quick', cwd: home });
    expect(none.filter((w) => /needs about/.test(w.message))).toEqual([]);
  });

  it('the estimate grows with the model and refuses a DiT the wasm heap cannot hold', () => {
    const base = loadRunSpec({ configPath: null, scale: 'quick', cwd: home }).spec;
    const wide = loadRunSpec({ configPath: null, scale: 'quick', sets: ['model.hidden_dim=2048'], cwd: home }).spec;
    expect(estimateModelMemory(wide).mb).toBeGreaterThan(estimateModelMemory(base).mb * 10);
    expect(() => loadRunSpec({ configPath: null, scale: 'quick', sets: ['model.velocity_net=dit', 'model.depth=64', 'model.token_dim=4096'], cwd: home }))
      .toThrow(/maxModelMemoryMb/);
  });

  it('wasm "memory access out of bounds" is out of memory (batch halving), not a crash', () => {
    const err = new Error('memory access out of bounds');
    err.name = 'RuntimeError'; // what the wasm backend throws
    expect(isOutOfMemory(err)).toBe(true);
    expect(isOutOfMemory(new Error('index out of bounds in my code'))).toBe(false);
  });
});

describe('end-of-run summary', () => {
  it('does not suggest `flowbench sample` for a run with no checkpoint', () => {
    const store = openStore(path.join(home, 'db.sqlite'));
    try {
      const spec = loadRunSpec({ configPath: null, scale: 'quick', cwd: home }).spec;
      store.runs.create({ id: 'r1', name: 'r1', status: 'failed', scale: 'quick', config: spec, configHash: 'h', dataSource: 'synthetic', dataManifestHash: null, seed: 42, workdir: home } as never);
      const finished = { event: 'finished' as const, run_id: 'r1', step: 0, time: '', status: 'failed' as const, reason: 'boom', seconds: 1 };
      const text = formatTrainSummary(store, { runId: 'r1', runDir: home, finished });
      expect(text).toContain('(none written)');
      expect(text).not.toContain('flowbench sample');
      expect(text).toContain('flowbench resume r1');
    } finally {
      store.close();
    }
  });
});
