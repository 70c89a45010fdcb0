/**
 * The run history: the listed runs and the selected run's details and loss curve.
 * Holds state and calls the API through the injected Transport; components only render.
 */
import { defineStore } from 'pinia';
import { computed, inject, ref } from 'vue';
import type { ApiReply, EvaluationFigure, MetricSeries, Run, RunEvent, RunStatus } from '../../../src-preload/contract.js';
import { FilterError, matchesFilter, parseFilter, type Clause } from '../lib/param-filter.js';
import { transportKey, type Transport } from '../transport/transport.js';

export type RunDetail = ApiReply<'getRun'>;

export type SortKey =
  | 'createdAt' | 'status' | 'scale' | 'dataSource' | 'durationS' | 'lastFlowLoss' | 'bestFlowLoss' | 'bestValLoss'
  | 'name' | 'model' | `param:${string}`;

/** Losses read best first: their first click sorts ascending (every other column newest / largest first). */
export const ASCENDING_FIRST: readonly SortKey[] = ['lastFlowLoss', 'bestFlowLoss', 'bestValLoss', 'name', 'model'];

function sortValue(r: Run, key: SortKey): unknown {
  return key.startsWith('param:') ? r.params[key.slice(6)] : r[key as keyof Run];
}

/** Ascending order of two present values. */
function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/** `dir` 1 ascending, -1 descending; a missing value (null: none yet, or diverged) sorts last either way. */
function compareRuns(a: unknown, b: unknown, dir: number): number {
  const missA = a === null || a === undefined;
  const missB = b === null || b === undefined;
  if (missA || missB) return missA === missB ? 0 : missA ? 1 : -1;
  return a === b ? 0 : dir * compareValues(a, b);
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
  /** The parameter filter as typed (`lr > 1e-4, batch >= 32`); see lib/param-filter.ts. */
  const paramFilter = ref('');
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

  /** The parsed filter, or why it cannot be parsed (then nothing is filtered out). */
  const parsedFilter = computed<{ clauses: Clause[]; error: string | null }>(() => {
    try {
      return { clauses: parseFilter(paramFilter.value), error: null };
    } catch (err) {
      if (err instanceof FilterError) return { clauses: [], error: err.message };
      throw err;
    }
  });
  const filterError = computed(() => parsedFilter.value.error);

  /** The history as shown: searched (id, name, model, data, scale, status), filtered by parameter, and sorted. */
  const visibleRuns = computed(() => {
    const q = search.value.trim().toLowerCase();
    const hit = (r: Run) =>
      q === '' || [r.id, r.name, r.model, r.dataSource, r.scale, r.status].some((f) => f.toLowerCase().includes(q));
    const dir = sortDesc.value ? -1 : 1;
    const key = sortKey.value;
    const { clauses } = parsedFilter.value;
    return runs.value
      .filter((r) => hit(r) && matchesFilter(r, clauses))
      .sort((a, b) => compareRuns(sortValue(a, key), sortValue(b, key), dir));
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
        api().call('getMetrics', { id, names: LOSS_METRICS, withTime: true }),
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
      sortDesc.value = !ASCENDING_FIRST.includes(key);
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

  /** What the last delete did with the run folder ("removed …" / "kept …"), for the user to read. */
  const removedNote = ref<string | null>(null);

  async function remove(id: string, removeFolder = false): Promise<void> {
    error.value = null;
    removedNote.value = null;
    try {
      const r = await api().call('deleteRun', { id, removeFolder });
      removedNote.value = r.folderRemoved
        ? `Deleted run ${r.id} and removed its folder ${r.folder}.`
        : `Deleted run ${r.id} from the history; its folder ${r.folder} is still on disk.`;
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
    // The headline loss is the epoch mean (host/runs/headline-losses.ts); steps stand in until the first epoch ends.
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
    runs, statusFilter, showArchived, search, paramFilter, filterError, removedNote, sortKey, sortDesc, compareIds, visibleRuns,
    loading, error, selectedId, detail, lossSeries, evaluation, selectedRun,
    refresh, select, clearSelection, applyEvent, listen, toggleCompare, sortBy, archive, remove,
  };
});
