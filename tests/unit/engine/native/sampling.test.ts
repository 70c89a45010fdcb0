/**
 * `runSampling` on the native engine (the mlp's and the dit's sampler in the addon) writes the windows the
 * tf sampler writes (FLOWBENCH_BACKEND=wasm), within float32 tolerance, with guidance.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import type { CheckpointEvent, EngineEvent } from '../../../../src-main/engine/protocol/index.js';
import { runSampling } from '../../../../src-main/engine/sample.js';
import { runTraining } from '../../../../src-main/engine/train/loop.js';
import { sineData, tempDir, tinySpec, trainRequest } from '../fixtures.js';
import { NativeDit } from '../../../../src-main/engine/native/native-dit.js';
import { nativeSamplerFor } from '../../../../src-main/engine/native/native-sampling.js';
import { modelOf, native, withoutBackendOverride } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The numbers of a samples CSV (comment header and column names skipped). */
function values(path: string): number[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l && !l.startsWith('#')).slice(1)
    .flatMap((l) => l.split(',').slice(2).map(Number));
}

describe.skipIf(!native.addon)('native sampling', () => {
  it('the dit samples on the native engine unless FLOWBENCH_BACKEND forces a tf backend', () => {
    const { model } = modelOf(64, { velocity_net: 'dit', patch_size: 8, token_dim: 16, depth: 1, heads: 2 });
    expect(nativeSamplerFor(model, {})).toBeInstanceOf(NativeDit);
    expect(nativeSamplerFor(model, { FLOWBENCH_BACKEND: 'wasm' })).toBeNull();
    model.dispose();
  });

  it.each([
    ['mlp', {}],
    ['dit', { velocity_net: 'dit', patch_size: 8, token_dim: 16, depth: 2, heads: 2 }],
  ])('%s: heun with guidance 1.5 gives the tf sampler\'s windows', async (_, model) => {
    const dir = tempDir('native-sample');
    const events: EngineEvent[] = [];
    await withoutBackendOverride(() => runTraining(trainRequest(tinySpec({ task: { epochs: 2 }, model }), dir), (e) => events.push(e), { stopRequested: false }, { data: sineData() }));
    const ck = events.find((e) => e.event === 'checkpoint') as CheckpointEvent;
    const req = (out: string) => ({ type: 'sample' as const, run_id: 't', checkpoint_path: ck.path, count: 5, out_path: join(dir, out), seed: 4, sampler: 'heun' as const, guidance_scale: 1.5, domain: 'fast' });
    await withoutBackendOverride(() => runSampling(req('native.csv'), () => {}, { backend: { name: 'wasm', skipped: {}, versions: {}, threads: 1 } }));
    const saved = process.env.FLOWBENCH_BACKEND;
    process.env.FLOWBENCH_BACKEND = 'wasm';
    try {
      await runSampling(req('tf.csv'), () => {}, { backend: { name: 'wasm', skipped: {}, versions: {}, threads: 1 } });
    } finally {
      if (saved === undefined) delete process.env.FLOWBENCH_BACKEND;
      else process.env.FLOWBENCH_BACKEND = saved;
    }
    const a = values(join(dir, 'native.csv'));
    const b = values(join(dir, 'tf.csv'));
    expect(a).toHaveLength(5 * 64);
    expect(b).toHaveLength(a.length);
    const rel = Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / b.reduce((s, v) => s + v * v, 0));
    expect(rel).toBeLessThan(1e-4);
  });
});
