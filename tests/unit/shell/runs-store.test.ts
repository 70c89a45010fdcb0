import { createPinia, setActivePinia } from 'pinia';
import { createApp } from 'vue';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiMethod, ApiReply, ApiRequest, Run, RunEvent } from '../../../src-preload/contract.js';
import { LOSS_METRICS, useRunsStore } from '../../../src-renderer/src/stores/runs.js';
import { transportKey, type Transport } from '../../../src-renderer/src/transport/transport.js';

const run = (id: string, status: Run['status'] = 'completed'): Run => ({
  id, name: id, status, scale: 'quick', dataSource: 'synthetic', seed: 0, backend: 'wasm',
  createdAt: 't', startedAt: null, finishedAt: null, durationS: 12, error: null, parentRunId: null, lastFlowLoss: 1,
  bestFlowLoss: 1, lastValLoss: null, bestValLoss: null, archived: false, active: false,
  model: 'mlp 256', params: { lr: 1e-3 }, seedGroup: 'g0',
});

/** A Transport answering from canned replies, recording every call (the interface seam). */
class FakeTransport implements Transport {
  readonly kind = 'ipc' as const;
  calls: { method: ApiMethod; req: unknown }[] = [];
  listeners: ((e: RunEvent) => void)[] = [];
  delays: Record<string, Promise<void>> = {};
  fail: string | null = null;

  async call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiReply<M>> {
    this.calls.push({ method, req });
    const id = (req as { id?: string }).id ?? '';
    await this.delays[id];
    if (this.fail) throw new Error(this.fail);
    const replies = {
      listRuns: { runs: [run('r2', 'running'), run('r1')] },
      getRun: { run: run(id), metrics: [], events: [], checkpoints: [], config: {} },
      getMetrics: { id, series: [{ name: 'flow_loss', scope: 'step', step: [1], value: [0.5] }] },
    } satisfies { [K in 'listRuns' | 'getRun' | 'getMetrics']: ApiReply<K> };
    return (replies as Partial<Record<ApiMethod, unknown>>)[method] as ApiReply<M>;
  }

  onEvent(cb: (e: RunEvent) => void): () => void {
    this.listeners.push(cb);
    return () => (this.listeners = this.listeners.filter((l) => l !== cb));
  }
}

let transport: FakeTransport;

beforeEach(() => {
  transport = new FakeTransport();
  const app = createApp({});
  app.provide(transportKey, transport);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
});

describe('useRunsStore', () => {
  it('refresh lists runs through the transport with the status filter', async () => {
    const store = useRunsStore();
    store.statusFilter = 'running';
    await store.refresh(50);
    expect(transport.calls).toEqual([{ method: 'listRuns', req: { limit: 50, status: 'running' } }]);
    expect(store.runs.map((r) => r.id)).toEqual(['r2', 'r1']);
    expect(store.loading).toBe(false);
  });

  it('select loads the run and its loss curves', async () => {
    const store = useRunsStore();
    await store.select('r1');
    expect(transport.calls).toContainEqual({ method: 'getMetrics', req: { id: 'r1', names: LOSS_METRICS, withTime: true } });
    expect(store.detail?.run.id).toBe('r1');
    expect(store.lossSeries[0].value).toEqual([0.5]);
    store.clearSelection();
    expect(store.detail).toBeNull();
  });

  it('a slow reply for an earlier selection does not overwrite a later one', async () => {
    const store = useRunsStore();
    let release!: () => void;
    transport.delays.slow = new Promise<void>((r) => (release = r));
    const first = store.select('slow');
    await store.select('fast');
    release();
    await first;
    expect(store.selectedId).toBe('fast');
    expect(store.detail?.run.id).toBe('fast');
  });

  it('surfaces a failed call as an error message', async () => {
    transport.fail = 'No run matches zzz';
    const store = useRunsStore();
    await store.refresh();
    expect(store.error).toBe('No run matches zzz');
  });

  it('listen applies forwarded engine events to listed runs until unsubscribed', async () => {
    const store = useRunsStore();
    await store.refresh();
    const stop = store.listen();
    const emit = (e: RunEvent): void => transport.listeners.forEach((l) => l(e));
    emit({ event: 'step', run_id: 'r2', step: 5, time: 't', flow_loss: 0.25 });
    emit({ event: 'finished', run_id: 'r2', step: 5, time: 't', status: 'failed' });
    expect(store.runs[0]).toMatchObject({ status: 'failed', lastFlowLoss: 0.25 });
    stop();
    expect(transport.listeners).toHaveLength(0);
  });
});
