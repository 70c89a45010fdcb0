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
