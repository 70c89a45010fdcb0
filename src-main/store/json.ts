/**
 * JSON columns. JSON has no NaN/Infinity: plain JSON.stringify would turn them into null
 * and silently lose a diverged loss inside details/metrics objects, so non-finite numbers
 * are written as the strings 'NaN', 'Infinity', '-Infinity' (readable, never dropped).
 */
export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : v,
  );
}

export function fromJson<T>(text: string | null): T | null {
  if (text === null) return null;
  return JSON.parse(text) as T;
}

/** Non-finite numbers as stored in metrics.value_text (value is then NULL). */
export type NonFiniteText = 'NaN' | 'Infinity' | '-Infinity';

export function nonFiniteText(value: number): NonFiniteText | null {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return null;
}

/** Inverse of the (value, value_text) split; a row with neither comes back as NaN, never 0. */
export function numberFromColumns(value: number | null, text: string | null): number {
  if (value !== null) return value;
  if (text === 'Infinity') return Infinity;
  if (text === '-Infinity') return -Infinity;
  return NaN;
}
