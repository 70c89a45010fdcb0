/** faults.ts parsing, and the stability guard's limits on real tfjs variables and AdamW. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { checkpointsToPrune } from '../../../src-main/engine/checkpoint/retention.js';
import { StableTracker } from '../../../src-main/engine/checkpoint/stability.js';
import { parseFaults } from '../../../src-main/engine/faults.js';
import { FaultSpecError, type EngineEvent } from '../../../src-main/engine/protocol/index.js';
import { AdamW } from '../../../src-main/engine/train/adamw.js';
import { StabilityGuard, isOutOfMemory, type GuardOptions } from '../../../src-main/engine/train/stability-guard.js';
import { Ema } from '../../../src-main/engine/flow/ema.js';
import { emaParts } from '../../../src-main/engine/flow/ema-checkpoint.js';
import { FlowModel } from '../../../src-main/engine/flow/flow-model.js';
import { tinySpec } from '../engine/fixtures.js';

describe('FLOWBENCH_FAULTS', () => {
  it('is inert when unset or empty', () => {
    for (const v of [undefined, '', '  ']) expect(parseFaults(v).active).toBe(false);
  });
  it('fires exactly the listed faults, each once', () => {
    const plan = parseFaults('nan@step=120, oom@step=200,bad-batch@step=50,crash@step=300');
    expect(plan.faults).toEqual([
      { kind: 'nan', step: 120 }, { kind: 'oom', step: 200 }, { kind: 'bad-batch', step: 50 }, { kind: 'crash', step: 300 },
    ]);
    expect(plan.fire('nan', 119)).toBe(false);
    expect(plan.fire('oom', 120)).toBe(false);
    expect(plan.fire('nan', 120)).toBe(true);
    expect(plan.fire('nan', 120)).toBe(false);
  });
  it('refuses a malformed spec with a message naming the entry and the valid kinds', () => {
    for (const bad of ['nan', 'nan@120', 'nan@step=0', 'nan@step=-1', 'boom@step=3', 'nan@step=3;oom@step=4']) {
      expect(() => parseFaults(bad)).toThrow(FaultSpecError);
      expect(() => parseFaults(bad)).toThrow(/FLOWBENCH_FAULTS: .*(valid kinds|>= 1)/);
    }
  });
});

function makeGuard(opts: Partial<GuardOptions> = {}) {
  const w = tf.variable(tf.tensor1d([1, 2, 3]));
  const optimizer = new AdamW([w], { kind: 'adamw', weightDecay: 0, fused: false });
  const events: EngineEvent[] = [];
  const guard = new StabilityGuard(
    { maxRecoveries: 2, gradExplosionFactor: 10, minBatchSize: 2, memoryBudgetMb: null, batchSize: 8, accumulate: 1, ...opts },
    'r', (e) => events.push(e), [w], optimizer,
  );
  return { w, optimizer, guard, events, dispose: () => { optimizer.dispose(); w.dispose(); } };
}

describe('stability guard', () => {
  it('rolls back weights and moments, halves the LR, and fails after max_recoveries in a row', async () => {
    const { w, optimizer, guard, events, dispose } = makeGuard();
    await guard.markStable(4);
    optimizer.apply([tf.tensor1d([1, 1, 1])], 0.1);
    expect(Array.from(w.dataSync())).not.toEqual([1, 2, 3]);
    guard.nonFinite(5, { flow_loss: NaN });
    expect(Array.from(w.dataSync())).toEqual([1, 2, 3]);
    expect(optimizer.step).toBe(0);
    expect(guard.lrScale).toBe(0.5);
    guard.nonFinite(6, { flow_loss: NaN });
    expect(() => guard.nonFinite(7, { flow_loss: NaN })).toThrow(/training diverged: .*2 rollbacks since the last stable point \(step 4\)/);
    const kinds = events.map((e) => (e as { kind: string }).kind);
    expect(kinds).toEqual(['rollback', 'lr_reduction', 'rollback', 'lr_reduction', 'rollback']);
    expect((events[4] as { outcome: string }).outcome).toMatch(/^failed/);
    dispose();
  });

  it('restores the EMA shadow (and any other checkpoint part) with the weights, not the steps the rollback discarded', async () => {
    const model = new FlowModel(tinySpec({}).model, { length: 64, channels: 1, domains: 1, datasets: 1, conditional: true }, 3);
    const vars = model.params.variables();
    const optimizer = new AdamW(vars, { kind: 'adamw', weightDecay: 0, fused: false });
    const events: EngineEvent[] = [];
    const guard = new StabilityGuard(
      { maxRecoveries: 2, gradExplosionFactor: 10, minBatchSize: 2, memoryBudgetMb: null, batchSize: 8, accumulate: 1 },
      'r', (e) => events.push(e), vars, optimizer,
    );
    const ema = new Ema(model.params, 0.9);
    guard.parts = emaParts(ema, model);
    ema.update();
    await guard.markStable(1);
    const atStable = await ema.values();
    // Two steps the rollback will discard: the weights move and the shadow follows them.
    for (let k = 0; k < 2; k++) {
      optimizer.apply(vars.map((v) => tf.onesLike(v)), 0.5);
      ema.update();
    }
    expect(ema.updates).toBe(3);
    expect((await ema.values())[0]).not.toEqual(atStable[0]);
    guard.nonFinite(4, { flow_loss: NaN });
    expect(ema.updates).toBe(1);
    (await ema.values()).forEach((v, i) => expect(v).toEqual(atStable[i]));
    expect((events.find((e) => (e as { kind?: string }).kind === 'rollback') as { outcome: string }).outcome).toMatch(/optimiser and ema of step 1/);
    // The snapshot is a copy: restoring twice gives the same shadow again.
    ema.update();
    guard.nonFinite(5, { flow_loss: NaN });
    (await ema.values()).forEach((v, i) => expect(v).toEqual(atStable[i]));
    ema.dispose();
    optimizer.dispose();
    model.dispose();
  });

  it('a stable checkpoint in between resets the count', async () => {
    const { guard, dispose } = makeGuard({ maxRecoveries: 1 });
    await guard.markStable(1);
    guard.nonFinite(2, { flow_loss: NaN });
    await guard.markStable(3);
    expect(() => guard.nonFinite(4, { flow_loss: NaN })).not.toThrow();
    dispose();
  });

  it('halves the batch and doubles accumulation on OOM, and stops below min_batch_size', () => {
    const { guard, events, dispose } = makeGuard();
    expect(isOutOfMemory(new Error('Failed to allocate 4096 bytes'))).toBe(true);
    expect(isOutOfMemory(new Error('shape mismatch'))).toBe(false);
    guard.outOfMemory(3, new Error('out of memory'));
    expect([guard.batchSize, guard.accumulate]).toEqual([4, 2]);
    guard.outOfMemory(4, new Error('out of memory'));
    expect([guard.batchSize, guard.accumulate]).toEqual([2, 4]);
    expect(() => guard.outOfMemory(5, new Error('out of memory'))).toThrow(/below task\.min_batch_size = 2/);
    expect(events.map((e) => (e as { outcome: string }).outcome)).toEqual([
      'batch 4 × 2 accumulation (effective 8)', 'batch 2 × 4 accumulation (effective 8)', 'failed: batch 1 would be below task.min_batch_size 2',
    ]);
    dispose();
  });

  it('detects an exploded gradient norm against the running median, and skips invalid batches', () => {
    const { guard, events, dispose } = makeGuard();
    for (let i = 0; i < 10; i++) expect(guard.gradients(i + 1, 1 + i * 0.01)).toBeNull();
    expect(guard.gradients(11, 50)).toBeCloseTo(10 * 1.045, 6);
    expect(guard.lrScale).toBe(0.5);
    const x = new Float32Array(8).fill(1);
    const batch = { x, n: 2, domain: new Int32Array(2), dataset: new Int32Array(2), label: new Int32Array(2), fsHz: new Float32Array(2), dropped: 0 };
    expect(guard.admit(12, batch, 4)).toBe(true);
    x[5] = Infinity;
    expect(guard.admit(12, batch, 4)).toBe(false);
    expect(guard.admit(12, { ...batch, x: new Float32Array(7) }, 4)).toBe(false);
    expect(guard.skippedBatches).toBe(2);
    expect(events.filter((e) => (e as { kind: string }).kind === 'skip_batch')).toHaveLength(2);
    dispose();
  });
});

describe('checkpoint retention and the stable verdict', () => {
  it('keeps the newest N, the best by validation loss and the newest stable one', () => {
    const c = (step: number, val: number | null, stable = true) => ({ path: `s${step}`, step, val, stable });
    const all = [c(4, 1.0), c(8, 0.5), c(12, 0.9), c(16, 0.8, false), c(20, 0.7, false)];
    expect(checkpointsToPrune(all, 2).sort()).toEqual(['s4']);
    expect(checkpointsToPrune([c(4, 1), c(8, 2), c(12, 3)], 1).sort()).toEqual(['s8']);
  });
  it('is unstable when non-finite or worse than stable_factor × the recent trend', () => {
    const t = new StableTracker(2);
    expect(t.judge(1, 1.0, true).stable).toBe(true);
    expect(t.judge(1, 1.5, true).stable).toBe(true);
    expect(t.judge(1, 5, true)).toEqual({ stable: false, reason: expect.stringMatching(/above 2 × the recent trend/) });
    expect(t.judge(NaN, 1, true).stable).toBe(false);
    expect(t.judge(1, 1, false).stable).toBe(false);
    expect(t.judge(1, null, true).stable).toBe(true);
  });
});
