import { existsSync } from 'node:fs';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { loadCheckpoint, optimizerState, restoreModel } from '../../../src-main/engine/checkpoint/checkpoint.js';
import type { CheckpointEvent, EngineEvent, EpochEvent, StepEvent } from '../../../src-main/engine/protocol.js';
import { runTraining } from '../../../src-main/engine/train/loop.js';
import { runSampling } from '../../../src-main/engine/sample.js';
import { join } from 'node:path';
import { sineData, tempDir, tinySpec, trainRequest } from './fixtures.js';

beforeAll(async () => {
  await initBackend('wasm');
});

async function train(spec = tinySpec(), control = { stopRequested: false }, onEvent?: (e: EngineEvent) => void) {
  const events: EngineEvent[] = [];
  const dir = tempDir('train');
  const finished = await runTraining(trainRequest(spec, dir), (e) => {
    events.push(e);
    onEvent?.(e);
  }, control, { data: sineData() });
  const of = <K extends EngineEvent['event']>(k: K) => events.filter((e) => e.event === k) as Extract<EngineEvent, { event: K }>[];
  return { events, finished, dir, of };
}

describe('training loop (in process, hand-made sinusoid windows)', () => {
  const spec = tinySpec({ task: { epochs: 4 }, trainer: { steps_per_epoch: 4 } });
  let run: Awaited<ReturnType<typeof train>>;
  let tensorsBefore = 0;
  beforeAll(async () => {
    tensorsBefore = tf.memory().numTensors;
    run = await train(spec);
  });

  it('emits started, data, steps, epochs, a final checkpoint and finished(completed) in order', () => {
    const kinds = run.events.map((e) => e.event);
    expect(kinds[0]).toBe('started');
    expect(kinds[1]).toBe('data');
    expect(kinds.slice(-2)).toEqual(['checkpoint', 'finished']);
    expect(run.finished.status).toBe('completed');
    expect(run.of('epoch')).toHaveLength(4);
    const steps = run.of('step') as StepEvent[];
    expect(steps.map((s) => s.step)).toEqual([2, 4, 6, 8, 10, 12, 14, 16]);
    const s = steps[0];
    for (const k of ['flow_loss', 'total_loss', 'lr', 'grad_norm', 'steps_per_s', 'rss_mb', 'eta_s'] as const) expect(Number.isFinite(s[k])).toBe(true);
    expect(s.total_steps).toBe(16);
    expect(s.flow_weight).toBe(1);
  });

  it('loss falls from the first to the last epoch (validation with fixed draws)', () => {
    const epochs = run.of('epoch') as EpochEvent[];
    expect(epochs[3].val_flow_loss!).toBeLessThan(epochs[0].val_flow_loss! * 0.95);
    expect(epochs[3].train_flow_loss).toBeLessThan(epochs[0].train_flow_loss);
  });

  it('leaks no tensors: numTensors identical at the end of every epoch, back to the start after the run', () => {
    const counts = (run.of('epoch') as EpochEvent[]).map((e) => e.num_tensors);
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(tensorsBefore); // model + optimiser were disposed
  });

  it('same seed ⇒ identical losses; another seed ⇒ different', async () => {
    const again = await train(spec);
    const losses = (r: typeof run) => (r.of('step') as StepEvent[]).map((s) => s.flow_loss);
    expect(losses(again)).toEqual(losses(run));
    const other = await train(tinySpec({ task: { epochs: 1 }, trainer: { steps_per_epoch: 2 } }));
    const seeded = tinySpec({ task: { epochs: 1 }, trainer: { steps_per_epoch: 2 } });
    seeded.environment.seed = 8;
    const otherSeed = await train(seeded);
    expect(losses(otherSeed)[0]).not.toBe(losses(other)[0]);
  });

  it('the final checkpoint restores identical weights, config, names and optimiser moments', async () => {
    const ck = (run.of('checkpoint') as CheckpointEvent[]).find((c) => c.kind === 'final')!;
    expect(ck).toBeDefined();
    expect(ck.stable).toBe(true);
    expect(ck.path.endsWith('/checkpoints/step-16.fbckpt')).toBe(true);
    const bytes = await fs.readFile(ck.path);
    expect(bytes.length).toBe(ck.bytes);
    const loaded = await loadCheckpoint(ck.path);
    expect(loaded.meta.config).toEqual(spec);
    expect(loaded.meta.domain_names).toEqual(['slow', 'fast']);
    expect(loaded.meta.step).toBe(16);
    const model = restoreModel(loaded);
    for (const p of model.params.list()) {
      expect(Array.from(p.variable.dataSync())).toEqual(Array.from(loaded.arrays.get(`param/${p.name}`)!.data));
    }
    const opt = optimizerState(loaded)!;
    expect(opt.step).toBe(16);
    expect(opt.m.some((m) => m.some((v) => v !== 0))).toBe(true);
    model.dispose();
  });

  it('samples from the checkpoint in process (.h5, unconditional) and refuses an unknown domain by name', async () => {
    const ck = (run.of('checkpoint') as CheckpointEvent[]).find((c) => c.kind === 'final')!;
    const out = join(run.dir, 'gen.h5');
    const events: EngineEvent[] = [];
    const base = { type: 'sample' as const, run_id: 'test-run', checkpoint_path: ck.path, count: 70, out_path: out, seed: 3 };
    const before = tf.memory().numTensors;
    await runSampling(base, (e) => events.push(e));
    expect(tf.memory().numTensors).toBe(before);
    expect(events[0]).toMatchObject({ event: 'sampled', count: 70, window_length: 64, channels: 1 });
    expect((await fs.stat(out)).size).toBeGreaterThan(70 * 64 * 4);
    await expect(runSampling({ ...base, domain: 'medium' }, () => {})).rejects.toThrow(/domain "medium" is not in checkpoint .*valid: slow, fast/);
    await expect(runSampling({ ...base, out_path: join(run.dir, 'x.txt') }, () => {})).rejects.toThrow(/must end in \.csv or \.h5/);
  });

  it('honours the stop flag: status stopped, final checkpoint still written', async () => {
    const control = { stopRequested: false };
    const r = await train(tinySpec({ task: { epochs: 50 } }), control, (e) => {
      if (e.event === 'step' && e.step >= 4) control.stopRequested = true;
    });
    expect(r.finished.status).toBe('stopped');
    const ck = r.of('checkpoint')[0] as CheckpointEvent;
    expect(ck.step).toBe(4);
    expect(existsSync(ck.path)).toBe(true);
  });

  it('gradient accumulation and max_steps set the step count; bad windows are dropped and counted', async () => {
    const data = sineData();
    data.train.x[5] = Number.NaN; // window 0 becomes invalid
    const events: EngineEvent[] = [];
    const s = tinySpec({ task: { epochs: 10, accumulate_grad_batches: 2 }, trainer: { max_steps: 3, log_every_n_steps: 1 } });
    await runTraining(trainRequest(s, tempDir('accum')), (e) => events.push(e), { stopRequested: false }, { data });
    const started = events.find((e) => e.event === 'started')!;
    expect(started).toMatchObject({ steps_per_epoch: 2, total_steps: 3 });
    const epochs = events.filter((e) => e.event === 'epoch') as EpochEvent[];
    expect(epochs.reduce((n, e) => n + e.skipped_windows, 0)).toBe(1);
    expect(events.filter((e) => e.event === 'step')).toHaveLength(3);
  });
});
