/** A Transport answering from a table of handlers (the renderer's one seam), recording calls. */
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { createApp } from 'vue';
import type { ApiMethod, ApiReply, ApiRequest, Run, RunEvent } from '../../../src-preload/contract.js';
import { transportKey, type Transport } from '../../../src-renderer/src/transport/transport.js';

export type Handlers = Partial<{ [M in ApiMethod]: (req: ApiRequest<M>) => ApiReply<M> | Promise<ApiReply<M>> }>;

export class TableTransport implements Transport {
  readonly kind = 'ipc' as const;
  calls: { method: ApiMethod; req: unknown }[] = [];
  listeners: ((e: RunEvent) => void)[] = [];
  constructor(public handlers: Handlers = {}) {}

  async call<M extends ApiMethod>(method: M, req: ApiRequest<M>): Promise<ApiReply<M>> {
    this.calls.push({ method, req });
    const h = this.handlers[method] as ((r: ApiRequest<M>) => ApiReply<M>) | undefined;
    if (!h) throw new Error(`no handler for ${method}`);
    return h(req);
  }

  onEvent(cb: (e: RunEvent) => void): () => void {
    this.listeners.push(cb);
    return () => (this.listeners = this.listeners.filter((l) => l !== cb));
  }

  emit(e: Partial<RunEvent> & { event: RunEvent['event']; run_id: string; step: number }): void {
    for (const l of this.listeners) l({ time: 't', ...e } as RunEvent);
  }

  methods(): ApiMethod[] {
    return this.calls.map((c) => c.method);
  }
}

/** Installs a Pinia whose stores inject `transport` (as the app's composition root does). */
export function withTransport(transport: Transport): Pinia {
  const app = createApp({});
  app.provide(transportKey, transport);
  const pinia = createPinia();
  app.use(pinia);
  setActivePinia(pinia);
  return pinia;
}

export const aRun = (id: string, over: Partial<Run> = {}): Run => ({
  id, name: id, status: 'completed', scale: 'quick', dataSource: 'synthetic', seed: 0, backend: 'wasm',
  createdAt: '2026-01-01T00:00:00Z', startedAt: null, finishedAt: null, durationS: 12, error: null, parentRunId: null,
  lastFlowLoss: 1, bestFlowLoss: 0.5, lastValLoss: null, bestValLoss: null, archived: false, active: false,
  model: 'mlp 256', params: { lr: 1e-3, seed: 0 }, seedGroup: 'g0', ...over,
});
