/**
 * The run history: the listed runs and the selected run's details and loss curve.
 * Holds state and calls the API through the injected Transport; components only render.
 */
import { defineStore } from 'pinia';
import { computed, inject, ref } from 'vue';
import type { ApiReply, EvaluationFigure, MetricSeries, Run, RunEvent, RunStatus } from '../../../src-preload/contract.js';
import { transportKey, type Transport } from '../transport/transport.js';

export type RunDetail = ApiReply<'getRun'>;

export type SortKey = 'createdAt' | 'status' | 'scale' | 'dataSource' | 'durationS' | 'lastFlowLoss' | 'bestFlowLoss' | 'bestValLoss';

/** Ascending order; a missing value (null) sorts before any value. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** The curves RunDetail plots. */
export const LOSS_METRICS = ['flow_loss', 'val_flow_loss'];

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const useRunsStore = defineStore('runs', () => {
  const transport: Transport | undefined = inject(transportKey);
  function api(): Transport {
    if (!transport) throw new Error('useRunsStore: no Transport provided (app.provide(transportKey, …))');
    return transport;
  }

  const runs = ref<Run[]>([]);
  const statusFilter = ref<RunStatus | undefined>(undefined);
  const showArchived = ref(false);
  const search = ref('');
  const sortKey = ref<SortKey>('createdAt');
  const sortDesc = ref(true);
  /** Runs ticked for comparison, in the order they were ticked. */
  const compareIds = ref<string[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);
  const selectedId = ref<string | null>(null);
  const detail = ref<RunDetail | null>(null);
  const lossSeries = ref<MetricSeries[]>([]);
  /** The selected run's evaluation figure data (null until loaded; its `evaluation` is null before `flowbench evaluate`). */
  const evaluation = ref<EvaluationFigure | null>(null);
  // Guards against a slow reply for an earlier selection overwriting a later one.
  let selectToken = 0;

  /** The history as shown: searched (id, name, data, scale, status) and sorted. */
  const visibleRuns = computed(() => {
    const q = search.value.trim().toLowerCase();
    const hit = (r: Run) =>
      q === '' || [r.id, r.name, r.dataSource, r.scale, r.status].some((f) => f.toLowerCase().includes(q));
    const dir = sortDesc.value ? -1 : 1;
    const key = sortKey.value;
    return runs.value.filter(hit).sort((a, b) => dir * compareValues(a[key], b[key]));
  });

  const selectedRun = computed(() => detail.value?.run ?? runs.value.find((r) => r.id === selectedId.value) ?? null);

  async function refresh(limit = 200): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      const reply = await api().call('listRuns', {
        limit,
        status: statusFilter.value,
        ...(showArchived.value ? { includeArchived: true } : {}),
      });
      runs.value = reply.runs;
    } catch (err) {
      error.value = errorText(err);
    } finally {
      loading.value = false;
    }
  }

  async function select(id: string): Promise<void> {
    const token = ++selectToken;
    selectedId.value = id;
    error.value = null;
    if (evaluation.value?.id !== id) evaluation.value = null;
    try {
      const [run, metrics] = await Promise.all([
        api().call('getRun', { id }),
        api().call('getMetrics', { id, names: LOSS_METRICS }),
      ]);
      if (token !== selectToken) return;
      detail.value = run;
      lossSeries.value = metrics.series;
    } catch (err) {
      if (token === selectToken) error.value = errorText(err);
      return;
    }
    try {
      const ev = await api().call('getEvaluationFigure', { id });
      if (token === selectToken) evaluation.value = ev;
    } catch (err) {
      if (token === selectToken) error.value = `evaluation figure: ${errorText(err)}`;
    }
  }

  function clearSelection(): void {
    selectToken++;
    selectedId.value = null;
    detail.value = null;
    lossSeries.value = [];
    evaluation.value = null;
  }

  function toggleCompare(id: string): void {
    compareIds.value = compareIds.value.includes(id) ? compareIds.value.filter((x) => x !== id) : [...compareIds.value, id];
  }

  function sortBy(key: SortKey): void {
    if (sortKey.value === key) sortDesc.value = !sortDesc.value;
    else {
      sortKey.value = key;
      sortDesc.value = true;
    }
  }

  async function archive(id: string, archived = true): Promise<void> {
    error.value = null;
    try {
      await api().call('archiveRun', { id, archived });
      if (selectedId.value === id && archived && !showArchived.value) clearSelection();
      await refresh();
    } catch (err) {
      error.value = errorText(err);
    }
  }

  async function remove(id: string): Promise<void> {
    error.value = null;
    try {
      await api().call('deleteRun', { id });
      if (selectedId.value === id) clearSelection();
      compareIds.value = compareIds.value.filter((x) => x !== id);
      await refresh();
    } catch (err) {
      error.value = errorText(err);
    }
  }

  /** Runs whose live events included an epoch. */
  const epochSeen = new Set<string>();

  /** Keeps listed runs current from forwarded engine events. */
  function applyEvent(event: RunEvent): void {
    const run = runs.value.find((r) => r.id === event.run_id);
    if (!run) return;
    if (event.event === 'started') run.status = 'running';
    // The headline loss is the epoch mean (host/headline-losses.ts); steps stand in until the first epoch ends.
    if (event.event === 'epoch' && typeof event.train_flow_loss === 'number') {
      run.lastFlowLoss = event.train_flow_loss;
      epochSeen.add(run.id);
    }
    if (event.event === 'step' && typeof event.flow_loss === 'number' && !epochSeen.has(run.id)) run.lastFlowLoss = event.flow_loss;
    if (event.event === 'finished' && typeof event.status === 'string') {
      run.status = event.status as RunStatus;
      run.active = false;
    }
  }

  /** Subscribes to the transport's run events; returns the unsubscribe function. */
  function listen(): () => void {
    return api().onEvent(applyEvent);
  }

  return {
    runs, statusFilter, showArchived, search, sortKey, sortDesc, compareIds, visibleRuns,
    loading, error, selectedId, detail, lossSeries, evaluation, selectedRun,
    refresh, select, clearSelection, applyEvent, listen, toggleCompare, sortBy, archive, remove,
  };
});
