/** Config diff for the compare screen: only the keys whose values differ between runs. */

/** {a: {b: 1}} → {"a.b": 1}; arrays and scalars are leaves. */
export function flatten(obj: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = obj;
  }
  return out;
}

export interface DiffRow {
  key: string;
  /** One value per run, in the order the configs were given (undefined: key absent). */
  values: unknown[];
}

export function diffConfigs(configs: readonly unknown[]): DiffRow[] {
  const flat = configs.map((c) => flatten(c));
  const keys = [...new Set(flat.flatMap((f) => Object.keys(f)))].sort();
  return keys
    .map((key) => ({ key, values: flat.map((f) => f[key]) }))
    .filter((row) => new Set(row.values.map((v) => JSON.stringify(v) ?? 'undefined')).size > 1);
}

export function showValue(v: unknown): string {
  if (v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** The parameters that never tell runs apart in a legend on their own (the name is free text). */
const LABEL_SKIP = new Set(['name']);

/**
 * A legend label per run naming what sets it apart: `hidden_dim=128, use_contrastive=true`
 * (up to `max` differing keys, by their last segment); the run id when nothing differs.
 * `ignore` leaves keys out (e.g. environment.seed when runs are grouped by seed).
 */
export function runLabels(configs: readonly unknown[], ids: readonly string[], ignore: readonly string[] = [], max = 3): string[] {
  const rows = diffConfigs(configs).filter((r) => !LABEL_SKIP.has(r.key) && !ignore.includes(r.key));
  if (rows.length === 0) return [...ids];
  return ids.map((_, i) => {
    const parts = rows.slice(0, max).map((r) => `${r.key.split('.').pop()}=${showValue(r.values[i])}`);
    return parts.join(', ') + (rows.length > max ? ', …' : '');
  });
}
