/**
 * The shapes of evaluation results, declared once: the engine's evaluation sections, the
 * host's report and quality rows, and the figure tables (CSV files, the dashboard's
 * evaluation figure). Every score is a MetricResult leaf: its value plus the split and seed
 * used and the protocol name (what the quality table stores). Sections nest leaves by
 * protocol: linear_probe.accuracy, few_shot.accuracy, anomaly.auroc, generation.*,
 * baselines.*. Plain JSON (it crosses the process boundary and lands in report.json).
 * Platform-neutral (zod only).
 */
import { z } from 'zod';

export const metricResultSchema = z.looseObject({
  value: z.number(),
  /** Half-width of the 95 % interval, where the protocol has one. */
  ci95: z.number().optional(),
  /** Protocol name, e.g. 'few-shot-4way-5shot-segment'. */
  protocol: z.string(),
  /** How the windows were split, e.g. 'segment: train [0, 70 %) → test [70 %, 100 %) of each file'. */
  split: z.string(),
  seed: z.number(),
  /** Larger is better (false: lower is better). */
  higher_is_better: z.boolean().optional(),
});
export type MetricResult = z.infer<typeof metricResultSchema>;

/** A section of the report: nested objects whose leaves are MetricResults (or notes). */
export type ResultTree = { [key: string]: MetricResult | ResultTree | string | number | boolean | null | unknown[] };

/** True for a leaf score (an object with a numeric value and a protocol). */
export function isMetricResult(x: unknown): x is MetricResult {
  return typeof x === 'object' && x !== null && typeof (x as MetricResult).value === 'number' && typeof (x as MetricResult).protocol === 'string';
}

/** Figure data: a named table of rows (written as CSV by the host, drawn by the dashboard). */
export const figureTableSchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.union([z.number(), z.string()]))),
});
export type FigureTable = z.infer<typeof figureTableSchema>;
