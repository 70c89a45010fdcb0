/** Display formatting shared by the views (pure; no DOM). */

/** 3725 → "1h 02m", 75 → "1m 15s", null → "—". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Four significant digits; null (a non-finite value on the wire) → "—". */
export function formatNumber(value: number | null | undefined): string {
  if (value == null) return '—';
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : value.toPrecision(4);
}

/** The data column: 'synthetic' stays, a path shows its last segment. */
export function formatDataSource(source: string): string {
  const parts = source.split(/[\\/]/).filter(Boolean);
  return parts.length > 0 ? parts[parts.length - 1] : source;
}
