/**
 * N-way K-shot prototypical classification (Snell et al. 2017) on fixed feature vectors:
 * each episode draws `way` classes, `shot` support and `query` query rows per class; a
 * query is labelled with the class whose support mean (prototype) is nearest in
 * Euclidean distance. With `groups` (file or segment ids), a class's support and query
 * rows come from disjoint groups, so overlapping windows of one stretch of signal never
 * sit on both sides — the leak that inflated the reference's few-shot numbers.
 */
import { Rng } from '../../data/rng.js';
import { drawEpisode, episodePool } from './episodes.js';
import { type Matrix, checkMatrix, sqDist } from './matrix.js';

export interface PrototypicalOptions {
  way?: number;
  shot?: number;
  query?: number;
  /** Episodes (default 200). */
  episodes?: number;
  seed?: number;
  /** [n] group id per row; support and query of a class never share a group. */
  groups?: Int32Array;
}

export interface PrototypicalResult {
  /** Mean episode accuracy. */
  accuracy: number;
  /** Half-width of the 95 % interval: 1.96 · sd(episode accuracies, ddof 1) / √episodes. */
  ci95: number;
  episodes: number;
  way: number;
  shot: number;
  query: number;
  /** [episodes] per-episode accuracies (for plots and pooled intervals). */
  episodeAccuracy: Float64Array;
}

/** Few-shot accuracy of features [n, d] with labels [n] over seeded episodes. */
export function prototypicalEvaluation(features: Matrix, labels: ArrayLike<number>, opts: PrototypicalOptions = {}): PrototypicalResult {
  checkMatrix(features, 'prototypicalEvaluation features');
  const { n, d } = features;
  if (labels.length !== n) throw new RangeError(`prototypicalEvaluation: ${labels.length} labels for ${n} rows`);
  const way = opts.way ?? 5, shot = opts.shot ?? 5, query = opts.query ?? 15, episodes = opts.episodes ?? 200;
  for (const [k, v] of Object.entries({ way, shot, query, episodes })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`prototypicalEvaluation: ${k} must be an integer ≥ 1, got ${v}`);
  }
  if (way < 2) throw new RangeError(`prototypicalEvaluation: way must be ≥ 2, got ${way}`);
  if (opts.groups && opts.groups.length !== n) throw new RangeError(`prototypicalEvaluation: groups has ${opts.groups.length} entries for ${n} rows`);
  // Without groups every row is its own group: support and query are simply disjoint rows.
  const groups = opts.groups ?? Int32Array.from({ length: n }, (_, i) => i);
  const pool = episodePool(labels, groups, shot, query);
  if (pool.byClass.size < way) {
    throw new RangeError(
      `prototypicalEvaluation: ${way}-way ${shot}-shot ${query}-query needs ${way} classes with ≥ 2 groups and ≥ ${shot + query} rows; ` +
        `only ${pool.byClass.size} qualify`,
    );
  }
  const rng = Rng.derive(opts.seed ?? 0, 'prototypical');
  const episodeAccuracy = new Float64Array(episodes);
  const protos = new Float64Array(way * d);
  for (let e = 0; e < episodes; e++) {
    const ep = drawEpisode(pool, way, shot, query, rng);
    protos.fill(0);
    ep.support.forEach((r, i) => {
      const c = ep.supportY[i];
      for (let j = 0; j < d; j++) protos[c * d + j] += features.data[r * d + j] / shot;
    });
    const P: Matrix = { data: protos, n: way, d };
    let correct = 0;
    ep.query.forEach((r, i) => {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < way; c++) {
        const s = sqDist(features, r, P, c);
        if (s < bestD) { bestD = s; best = c; }
      }
      if (best === ep.queryY[i]) correct++;
    });
    episodeAccuracy[e] = correct / ep.query.length;
  }
  let mean = 0;
  for (const a of episodeAccuracy) mean += a;
  mean /= episodes;
  let ss = 0;
  for (const a of episodeAccuracy) ss += (a - mean) ** 2;
  const sd = episodes > 1 ? Math.sqrt(ss / (episodes - 1)) : 0;
  return { accuracy: mean, ci95: (1.96 * sd) / Math.sqrt(episodes), episodes, way, shot, query, episodeAccuracy };
}
