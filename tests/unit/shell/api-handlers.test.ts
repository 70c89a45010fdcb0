import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiRequestError } from '../../../src-preload/contract.js';
import { createApiHandlers, toRunEvent } from '../../../src-main/host/app/api-handlers.js';
import { openStore, type Store } from '../../../src-main/store/index.js';

let dir: string;
let store: Store;

function addRun(id: string, createdAt: string, status: 'completed' | 'running' = 'completed'): void {
  store.runs.create({
    id, name: `run ${id}`, status, scale: 'quick', config: { seed: 1 }, configHash: 'h',
    dataSource: '/data/cwru/97.mat', seed: 1, workdir: path.join(dir, id), createdAt,
  });
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowbench-api-'));
  store = openStore(path.join(dir, 'flowbench.sqlite'));
  addRun('a1b2c3', '2026-01-01T00:00:00.000Z');
  addRun('d4e5f6', '2026-01-02T00:00:00.000Z', 'running');
  const t = '2026-01-01T00:00:01.000Z';
  store.metrics.insertMany([
    { runId: 'a1b2c3', step: 1, epoch: 0, scope: 'step', name: 'flow_loss', value: 2.0, time: t },
    { runId: 'a1b2c3', step: 2, epoch: 0, scope: 'step', name: 'flow_loss', value: NaN, time: t },
    { runId: 'a1b2c3', step: 3, epoch: 0, scope: 'step', name: 'flow_loss', value: 0.5, time: t },
    { runId: 'a1b2c3', step: 3, epoch: 0, scope: 'step', name: 'lr', value: 1e-3, time: t },
    { runId: 'a1b2c3', step: 3, epoch: 0, scope: 'epoch', name: 'val_flow_loss', value: 0.7, time: t },
  ]);
  store.checkpoints.insert({
    runId: 'a1b2c3', step: 3, epoch: 0, path: path.join(dir, 'a1b2c3', 'ckpt-3'), sha256: 'f'.repeat(64),
    bytes: 1024, kind: 'final', stable: true, metrics: { val_flow_loss: 0.7 },
  });
  store.events.insert({ runId: 'a1b2c3', step: 2, kind: 'nan_loss', details: { skipped: 1 }, outcome: 'batch skipped' });
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('api handlers on a real store', () => {
  it('listRuns returns the runs newest first, with the last step flow_loss', async () => {
    const { runs } = await createApiHandlers(store).listRuns({});
    expect(runs.map((r) => r.id)).toEqual(['d4e5f6', 'a1b2c3']);
    const a = runs[1];
    expect(a).toMatchObject({ status: 'completed', scale: 'quick', dataSource: '/data/cwru/97.mat', lastFlowLoss: 0.5 });
    expect(runs[0].lastFlowLoss).toBeNull();
  });

  it('listRuns filters by status and limit', async () => {
    const h = createApiHandlers(store);
    expect((await h.listRuns({ status: 'running' })).runs.map((r) => r.id)).toEqual(['d4e5f6']);
    expect((await h.listRuns({ limit: 1 })).runs).toHaveLength(1);
  });

  it('getRun resolves a prefix and returns summary, events and checkpoints', async () => {
    const reply = await createApiHandlers(store).getRun({ id: 'a1b' });
    expect(reply.run.id).toBe('a1b2c3');
    const flow = reply.metrics.find((m) => m.name === 'flow_loss');
    expect(flow).toEqual({ name: 'flow_loss', scope: 'step', count: 3, lastStep: 3, last: 0.5, min: 0.5, max: 2 });
    expect(reply.events).toEqual([expect.objectContaining({ kind: 'nan_loss', step: 2, outcome: 'batch skipped' })]);
    expect(reply.checkpoints).toEqual([expect.objectContaining({ step: 3, kind: 'final', stable: true, bytes: 1024 })]);
  });

  it('getMetrics returns columns per metric, NaN as null, filtered by name and scope', async () => {
    const h = createApiHandlers(store);
    const { id, series } = await h.getMetrics({ id: 'last', names: ['flow_loss', 'val_flow_loss'] });
    expect(id).toBe('d4e5f6');
    expect(series).toEqual([]);
    const a = await h.getMetrics({ id: 'a1b2c3', names: ['flow_loss', 'val_flow_loss'] });
    expect(a.series).toEqual([
      { name: 'flow_loss', scope: 'step', step: [1, 2, 3], value: [2, null, 0.5] },
      { name: 'val_flow_loss', scope: 'epoch', step: [3], value: [0.7] },
    ]);
    const epochOnly = await h.getMetrics({ id: 'a1b2c3', scope: 'epoch' });
    expect(epochOnly.series.map((s) => s.name)).toEqual(['val_flow_loss']);
  });

  it('a bad request fails naming the field, before touching the store', async () => {
    const h = createApiHandlers(store);
    await expect(h.getRun({ id: 7 })).rejects.toBeInstanceOf(ApiRequestError);
    await expect(h.getRun({ id: 7 })).rejects.toThrow(/getRun: bad request: id:/);
    await expect(h.listRuns({ limit: -1 })).rejects.toThrow(/limit/);
    await expect(h.getMetrics({ id: 'a1b2c3', scope: 'batch' })).rejects.toThrow(/scope/);
  });

  it('an unknown run id fails with the store’s explanation', async () => {
    await expect(createApiHandlers(store).getRun({ id: 'zzz' })).rejects.toThrow(/No run matches 'zzz'/);
  });

  it('forwards engine events unchanged', () => {
    const e = { event: 'log', run_id: 'r', step: 0, time: 't', level: 'warn', message: 'slow' } as const;
    expect(toRunEvent(e)).toEqual(e);
  });
});
