/**
 * Float64 statistics of x[from, to) over its finite samples only (a NaN in a recording must
 * not poison the whole channel). With no finite sample every statistic is NaN. Population
 * std, as NumPy's default.
 */
export interface FiniteStats {
  /** Finite samples the statistics come from. */
  count: number;
  mean: number;
  std: number;
  min: number;
  max: number;
}

export function finiteStats(x: ArrayLike<number>, from = 0, to = x.length): FiniteStats {
  const end = Math.min(to, x.length);
  let n = 0;
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < end; i++) {
    const v = x[i];
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const mean = n > 0 ? sum / n : NaN;
  let ss = 0;
  for (let i = from; i < end; i++) {
    const v = x[i];
    if (Number.isFinite(v)) ss += (v - mean) * (v - mean);
  }
  return { count: n, mean, std: n > 0 ? Math.sqrt(ss / n) : NaN, min: n > 0 ? lo : NaN, max: n > 0 ? hi : NaN };
}
