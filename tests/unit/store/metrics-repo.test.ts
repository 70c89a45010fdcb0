import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type MetricInput, type Store } from '../../../src-main/store/index.js';
import { newRun, tempDir } from './helpers.js';
import { connectionOf } from '../../../src-main/store/connection.js';

let tmp: ReturnType<typeof tempDir>;
let store: Store;
let file: string;
beforeEach(() => {
  tmp = tempDir();
  file = join(tmp.dir, 'runs.sqlite');
  store = openStore(file);
  store.runs.create(newRun('r1'));
  store.runs.create(newRun('r2'));
});
afterEach(() => { store.close(); tmp.cleanup(); });

const m = (step: number, name: string, value: number, scope: 'step' | 'epoch' = 'step'): MetricInput =>
  ({ runId: 'r1', step, epoch: Math.floor(step / 10), scope, name, value, time: `2026-12-01T10:00:${String(step % 60).padStart(2, '0')}.000Z` });

describe('metrics repo', () => {
  it('round-trips NaN and ±Infinity faithfully across reopen', () => {
    store.metrics.insertMany([m(1, 'loss', NaN), m(2, 'loss', Infinity), m(3, 'loss', -Infinity), m(4, 'loss', 0), m(5, 'loss', -0.25)]);
    store.close();
    store = openStore(file);
    const values = store.metrics.forRun('r1').map((r) => r.value);
    expect(values).toHaveLength(5);
    expect(Number.isNaN(values[0])).toBe(true);
    expect(values.slice(1)).toEqual([Infinity, -Infinity, 0, -0.25]);
    const raw = connectionOf(store).prepare(`SELECT value, value_text FROM metrics ORDER BY step`).all();
    expect(raw[0]).toEqual({ value: null, value_text: 'NaN' });
    expect(raw[3]).toEqual({ value: 0, value_text: null });
  });

  it('returns rows ordered by step with all fields, filtered by names and scope', () => {
    store.metrics.insertMany([m(3, 'loss', 0.3), m(1, 'loss', 0.1), m(2, 'lr', 1e-3), m(10, 'val_loss', 0.5, 'epoch')]);
    store.metrics.insertMany([{ runId: 'r2', step: 1, epoch: null, scope: 'step', name: 'loss', value: 9 }]);
    const all = store.metrics.forRun('r1');
    expect(all.map((r) => r.step)).toEqual([1, 2, 3, 10]);
    expect(all[0]).toEqual({ runId: 'r1', step: 1, epoch: 0, scope: 'step', name: 'loss', value: 0.1, time: '2026-12-01T10:00:01.000Z' });
    expect(store.metrics.forRun('r1', { names: ['loss'] }).map((r) => r.value)).toEqual([0.1, 0.3]);
    expect(store.metrics.forRun('r1', { scope: 'epoch' }).map((r) => r.name)).toEqual(['val_loss']);
    expect(store.metrics.forRun('r1', { names: ['loss', 'lr'], scope: 'step' })).toHaveLength(3);
    expect(store.metrics.forRun('r2')[0]).toMatchObject({ epoch: null, value: 9 });
    expect(Date.parse(store.metrics.forRun('r2')[0].time)).not.toBeNaN();
  });

  it('lastStep: the highest committed step of a run, of one scope when asked; 0 for none', () => {
    store.metrics.insertMany([m(3, 'flow_loss', 1), m(7, 'flow_loss', 1), m(12, 'train_flow_loss', 1, 'epoch')]);
    expect(store.metrics.lastStep('r1')).toBe(12);
    expect(store.metrics.lastStep('r1', 'step')).toBe(7);
    expect(store.metrics.lastStep('r2')).toBe(0);
  });

  it('summary counts everything but takes min/max over finite values', () => {
    store.metrics.insertMany([
      m(1, 'loss', 2), m(2, 'loss', NaN), m(3, 'loss', 0.5), m(4, 'loss', Infinity), m(5, 'loss', 1),
      m(10, 'loss', 0.7, 'epoch'), m(1, 'gn', NaN),
    ]);
    const s = store.metrics.summary('r1');
    expect(s.map((x) => `${x.name}/${x.scope}`)).toEqual(['gn/step', 'loss/epoch', 'loss/step']);
    expect(s[2]).toEqual({ name: 'loss', scope: 'step', count: 5, nonFinite: 2, first: 2, last: 1, min: 0.5, max: 2, firstStep: 1, lastStep: 5 });
    expect(s[1]).toMatchObject({ count: 1, nonFinite: 0, first: 0.7, last: 0.7, min: 0.7, max: 0.7, firstStep: 10, lastStep: 10 });
    expect(s[0]).toMatchObject({ count: 1, nonFinite: 1, min: null, max: null });
    expect(Number.isNaN(s[0].first) && Number.isNaN(s[0].last)).toBe(true);
    expect(store.metrics.summary('r2')).toEqual([]);
  });

  it('rejects a bad row with a clear message and writes nothing of that batch', () => {
    const batch = [m(1, 'loss', 1), { ...m(2, 'loss', 1), step: 1.5 }];
    expect(() => store.metrics.insertMany(batch)).toThrow(/Metric row 1 \("loss" of run r1\).*step must be an integer >= 0 \(got 1.5\).*No row/s);
    expect(() => store.metrics.insertMany([{ ...m(1, 'loss', 1), value: '1' as never }])).toThrow(/value must be a number/);
    expect(() => store.metrics.insertMany([{ ...m(1, 'loss', 1), scope: 'batch' as never }])).toThrow(/scope must be 'step' or 'epoch'/);
    // A foreign-key failure halfway through rolls back the rows before it.
    expect(() => store.metrics.insertMany([m(1, 'loss', 1), { ...m(2, 'loss', 1), runId: 'ghost' }])).toThrow(/no run with id 'ghost'/);
    expect(store.metrics.forRun('r1')).toEqual([]);
  });

  it('inserts a large batch quickly', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => m(i, i % 2 ? 'loss' : 'lr', i));
    const t0 = performance.now();
    store.metrics.insertMany(rows);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(store.metrics.summary('r1').map((s) => s.count)).toEqual([10_000, 10_000]);
  });
});
