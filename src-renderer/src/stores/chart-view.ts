/** How curves are drawn on the dashboard, history and compare screens (lib/chart-view.ts); kept for the session only. */
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { DEFAULT_VIEW, type ChartView } from '../lib/chart-view.js';

export const useChartViewStore = defineStore('chartView', () => {
  const view = reactive<ChartView>({ ...DEFAULT_VIEW });
  function reset(): void {
    Object.assign(view, DEFAULT_VIEW);
  }
  return { view, reset };
});
