/**
 * The shapes of evaluation results. Every score is a MetricResult leaf: its value plus the
 * split and seed used and the protocol name (what the quality table stores). Sections nest
 * leaves by protocol: linear_probe.accuracy, few_shot.accuracy, anomaly.auroc, generation.*,
 * baselines.*. Plain JSON (it crosses the process boundary and lands in report.json).
 */
export interface MetricResult {
  value: number;
  /** Half-width of the 95 % interval, where the protocol has one. */
  ci95?: number;
  /** Protocol name, e.g. 'few-shot-4way-5shot-segment'. */
  protocol: string;
  /** How the windows were split, e.g. 'segment: train [0, 70 %) → test [70 %, 100 %) of each file'. */
  split: string;
  seed: number;
  /** Larger is better (false: lower is better). */
  higher_is_better?: boolean;
  [detail: string]: unknown;
}

/** A section of the report: nested objects whose leaves are MetricResults (or notes). */
export type ResultTree = { [key: string]: MetricResult | ResultTree | string | number | boolean | null | unknown[] };

/** True for a leaf score (an object with a numeric value and a protocol). */
export function isMetricResult(x: unknown): x is MetricResult {
  return typeof x === 'object' && x !== null && typeof (x as MetricResult).value === 'number' && typeof (x as MetricResult).protocol === 'string';
}

/** Figure data: a named table of rows (written as CSV by the host). */
export interface FigureTable {
  name: string;
  columns: string[];
  rows: (number | string)[][];
}
