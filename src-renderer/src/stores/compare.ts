/** Comparing runs: each run's detail and curves, the config keys that differ, best/last metrics. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ApiReply } from '../../../src-preload/contract.js';
import { diffConfigs, runLabels } from '../lib/config-diff.js';
import { errorText, useTransport } from './api.js';

export const COMPARE_METRICS = ['flow_loss', 'total_loss', 'val_flow_loss'];

export interface ComparedRun {
  detail: ApiReply<'getRun'>;
  series: ApiReply<'getMetrics'>['series'];
}

export const useCompareStore = defineStore('compare', () => {
  const api = useTransport('useCompareStore');
  const runs = ref<ComparedRun[]>([]);
  const loading = ref(false);
  const error = ref<string | null>(null);

  const diff = computed(() => diffConfigs(runs.value.map((r) => r.detail.config)));
  /** Legend labels: the parameters that differ between the compared runs, not their ids. */
  const labels = computed(() => runLabels(runs.value.map((r) => r.detail.config), runs.value.map((r) => r.detail.run.id)));
  /** Labels of the seed groups (runs equal but for their seed share one). */
  const groupLabels = computed(() =>
    runLabels(runs.value.map((r) => r.detail.config), runs.value.map((r) => r.detail.run.seedGroup), ['environment.seed']),
  );
  /** Some compared runs differ only by seed: mean ± std over them is on offer. */
  const hasSeedGroups = computed(() => new Set(runs.value.map((r) => r.detail.run.seedGroup)).size < runs.value.length);
  /** Draw each seed group as its mean ± std instead of one curve per run. */
  const groupSeeds = ref(false);
  /** metric → one {best, last} per run (best = lowest, as every compared metric is a loss). */
  const table = computed(() =>
    COMPARE_METRICS.map((name) => ({
      name,
      cells: runs.value.map((r) => {
        const m = r.detail.metrics.find((x) => x.name === name);
        return { best: m?.min ?? null, last: m?.last ?? null };
      }),
    })).filter((row) => row.cells.some((c) => c.last !== null)),
  );

  async function load(ids: string[]): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      runs.value = await Promise.all(
        ids.map(async (id) => {
          const [detail, metrics] = await Promise.all([
            api().call('getRun', { id }),
            api().call('getMetrics', { id, names: COMPARE_METRICS, withTime: true }),
          ]);
          return { detail, series: metrics.series };
        }),
      );
    } catch (err) {
      error.value = errorText(err);
    } finally {
      loading.value = false;
    }
  }

  return { runs, loading, error, diff, labels, groupLabels, hasSeedGroups, groupSeeds, table, load };
});
