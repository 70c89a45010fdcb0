/**
 * The one N-way K-shot episode sampler: support and query of each class come from disjoint
 * groups (file or contiguous segment), so overlapping windows of one stretch of signal never
 * sit on both sides. Used on features (prototypical-accuracy.ts) and on the windows
 * themselves (the supervised baseline, episodic fine-tuning).
 */
import type { Rng } from '../../data/rng.js';

export interface Episode {
  /** Original labels of the episode's classes; class c of the episode is classes[c]. */
  classes: number[];
  /** Row indices, way × shot, class-major. */
  support: number[];
  /** Row indices, way × query, class-major. */
  query: number[];
  /** Episode class (0..way−1) of each support / query row. */
  supportY: number[];
  queryY: number[];
}

export interface EpisodePool {
  /** label → groups → rows, for classes with ≥ 2 groups and ≥ shot + query rows. */
  byClass: Map<number, number[][]>;
}

export function episodePool(labels: ArrayLike<number>, groups: ArrayLike<number>, shot: number, query: number): EpisodePool {
  const m = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < labels.length; i++) {
    if (!m.has(labels[i])) m.set(labels[i], new Map());
    const g = m.get(labels[i])!;
    if (!g.has(groups[i])) g.set(groups[i], []);
    g.get(groups[i])!.push(i);
  }
  const byClass = new Map<number, number[][]>();
  for (const [c, g] of [...m.entries()].sort((a, b) => a[0] - b[0])) {
    const rows = [...g.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
    if (rows.length >= 2 && rows.reduce((s, r) => s + r.length, 0) >= shot + query) byClass.set(c, rows);
  }
  return { byClass };
}

function pick<T>(a: T[], k: number, rng: Rng): T[] {
  const b = a.slice();
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rng.next() * (b.length - i));
    [b[i], b[j]] = [b[j], b[i]];
  }
  return b.slice(0, k);
}

/** One episode; throws when fewer than `way` classes qualify or a class has no group split that fits. */
export function drawEpisode(pool: EpisodePool, way: number, shot: number, query: number, rng: Rng): Episode {
  const labels = [...pool.byClass.keys()];
  if (labels.length < way) throw new RangeError(`episode: ${way}-way needs ${way} classes with ≥ 2 groups and ≥ ${shot + query} rows; ${labels.length} qualify`);
  const classes = pick(labels, way, rng);
  const ep: Episode = { classes, support: [], query: [], supportY: [], queryY: [] };
  classes.forEach((c, ci) => {
    const groups = pool.byClass.get(c)!;
    for (let attempt = 0; ; attempt++) {
      if (attempt === 20) throw new RangeError(`episode: class ${c} has no group split with ${shot} support and ${query} query rows`);
      const order = pick(groups.map((_, i) => i), groups.length, rng);
      const sup: number[] = [];
      let k = 0;
      while (k < order.length && sup.length < shot) sup.push(...groups[order[k++]]);
      const qry: number[] = [];
      for (; k < order.length; k++) qry.push(...groups[order[k]]);
      if (sup.length < shot || qry.length < query) continue;
      for (const r of pick(sup, shot, rng)) { ep.support.push(r); ep.supportY.push(ci); }
      for (const r of pick(qry, query, rng)) { ep.query.push(r); ep.queryY.push(ci); }
      break;
    }
  });
  return ep;
}

/**
 * The largest query count ≤ maxQuery that every draw can fill for the `way` best-stocked
 * classes, whatever groups the support happens to take: support takes whole groups until it
 * holds `shot` rows, so it consumes at most shot − 1 + (largest group) rows of a class.
 * Used where a class is short (CWRU's normal recording is 5 s at 12 kHz, half a fault file).
 * Returns 0 when not even one query fits.
 */
export function fittingQuery(labels: ArrayLike<number>, groups: ArrayLike<number>, way: number, shot: number, maxQuery: number): number {
  // Every class with ≥ 2 groups (no row minimum), grouped as episodes draw from it.
  const room = [...episodePool(labels, groups, 0, 0).byClass.values()]
    .map((byGroup) => {
      const sizes = byGroup.map((rows) => rows.length);
      return sizes.reduce((a, b) => a + b, 0) - (shot - 1 + Math.max(...sizes));
    })
    .sort((a, b) => b - a);
  if (room.length < way) return 0;
  return Math.max(0, Math.min(maxQuery, room[way - 1]!));
}
