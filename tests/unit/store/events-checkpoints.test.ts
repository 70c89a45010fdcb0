import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type CheckpointInput, type Store } from '../../../src-main/store/index.js';
import { newRun, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
beforeEach(() => {
  tmp = tempDir();
  store = openStore(join(tmp.dir, 'runs.sqlite'));
  store.runs.create(newRun('r1'));
  store.runs.create(newRun('r2'));
});
afterEach(() => { store.close(); tmp.cleanup(); });

const sha = (c: string): string => c.repeat(64);
const ckpt = (step: number, over: Partial<CheckpointInput> = {}): CheckpointInput => ({
  runId: 'r1', step, epoch: 0, path: `/runs/r1/checkpoints/step-${step}.ckpt`, sha256: sha('a'), bytes: 1024,
  kind: 'interval', stable: true, metrics: { val_flow_loss: 0.4 }, ...over,
});

describe('events repo', () => {
  it('inserts, lists by step and counts by kind; keeps NaN in details', () => {
    const e = store.events.insert({ runId: 'r1', step: 5, kind: 'nan_loss', details: { loss: NaN, lr: 1e-3 }, outcome: 'skipped', time: '2026-12-01T10:00:00.000Z' });
    expect(e.id).toBeGreaterThan(0);
    store.events.insert({ runId: 'r1', step: 2, kind: 'lr_backoff', details: { factor: 0.5 }, outcome: null });
    store.events.insert({ runId: 'r1', step: 9, kind: 'nan_loss', details: {}, outcome: 'rollback' });
    store.events.insert({ runId: 'r2', step: 1, kind: 'other', details: {}, outcome: null });
    const rows = store.events.forRun('r1');
    expect(rows.map((r) => [r.step, r.kind, r.outcome])).toEqual([[2, 'lr_backoff', null], [5, 'nan_loss', 'skipped'], [9, 'nan_loss', 'rollback']]);
    expect(rows[1]).toEqual({ id: e.id, runId: 'r1', step: 5, kind: 'nan_loss', details: { loss: 'NaN', lr: 1e-3 }, outcome: 'skipped', time: '2026-12-01T10:00:00.000Z' });
    expect(store.events.countsByKind('r1')).toEqual({ lr_backoff: 1, nan_loss: 2 });
    expect(store.events.countsByKind('nobody')).toEqual({});
    expect(() => store.events.insert({ runId: 'r1', step: -1, kind: 'x', details: {}, outcome: null })).toThrow(/step must be an integer >= 0/);
  });
});

describe('checkpoints repo', () => {
  it('inserts and lists by step with parsed metrics', () => {
    const a = store.checkpoints.insert(ckpt(200, { stable: false, metrics: { val_flow_loss: null, train_flow_loss: Infinity } }));
    store.checkpoints.insert(ckpt(100));
    expect(a).toMatchObject({ runId: 'r1', step: 200, stable: false, kind: 'interval', bytes: 1024, metrics: { val_flow_loss: null, train_flow_loss: 'Infinity' } });
    expect(store.checkpoints.forRun('r1').map((c) => c.step)).toEqual([100, 200]);
    expect(store.checkpoints.forRun('r2')).toEqual([]);
  });

  it('latest picks the highest step, or the highest stable one', () => {
    expect(store.checkpoints.latest('r1')).toBeUndefined();
    store.checkpoints.insert(ckpt(100));
    store.checkpoints.insert(ckpt(300, { stable: false }));
    store.checkpoints.insert(ckpt(200, { kind: 'best' }));
    expect(store.checkpoints.latest('r1')?.step).toBe(300);
    expect(store.checkpoints.latest('r1', { stableOnly: true })).toMatchObject({ step: 200, kind: 'best', stable: true });
    expect(store.checkpoints.latest('r2', { stableOnly: true })).toBeUndefined();
  });

  it('re-recording the same path replaces its row (the file on disk was rewritten)', () => {
    const first = store.checkpoints.insert(ckpt(100, { path: '/runs/r1/final.ckpt', kind: 'final' }));
    const second = store.checkpoints.insert(ckpt(400, { path: '/runs/r1/final.ckpt', kind: 'final', sha256: sha('b') }));
    expect(second.id).toBe(first.id);
    expect(store.checkpoints.forRun('r1')).toHaveLength(1);
    expect(store.checkpoints.forRun('r1')[0]).toMatchObject({ step: 400, sha256: sha('b') });
    expect(store.checkpoints.remove('r1', '/runs/r1/final.ckpt')).toBe(true);
    expect(store.checkpoints.remove('r1', '/runs/r1/final.ckpt')).toBe(false);
  });

  it('refuses bad input and unknown runs with clear messages', () => {
    expect(() => store.checkpoints.insert(ckpt(1, { sha256: 'xyz' }))).toThrow(/sha256 must be 64 hex digits \(got "xyz"\)/);
    expect(() => store.checkpoints.insert(ckpt(1, { kind: 'latest' as never }))).toThrow(/kind must be one of final, interval, best/);
    expect(() => store.checkpoints.insert(ckpt(1, { runId: 'ghost' }))).toThrow(/no run with id 'ghost'/);
    expect(store.checkpoints.forRun('r1')).toEqual([]);
  });
});

describe('quality repo', () => {
  it('stores scores linked to a checkpoint; deleting the checkpoint row keeps the score', () => {
    const c = store.checkpoints.insert(ckpt(100));
    const q = store.quality.insert({ runId: 'r1', checkpointId: c.id, metric: 'anomaly_auroc', value: 0.93, ciLow: 0.9, ciHigh: 0.96, protocol: 'cwru-de', seed: 1, details: { n: 200 } });
    expect(q).toMatchObject({ runId: 'r1', checkpointId: c.id, metric: 'anomaly_auroc', value: 0.93, ciLow: 0.9, details: { n: 200 } });
    store.quality.insert({ runId: 'r1', metric: 'probe_acc', value: NaN, protocol: 'linear' });
    store.checkpoints.remove('r1', c.path);
    const rows = store.quality.forRun('r1');
    expect(rows).toHaveLength(2);
    expect(rows[0].checkpointId).toBeNull();
    expect(Number.isNaN(rows[1].value)).toBe(true);
  });
});
