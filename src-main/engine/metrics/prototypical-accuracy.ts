/**
 * N-way K-shot prototypical classification (Snell et al. 2017) on fixed feature vectors:
 * each episode draws `way` classes, `shot` support and `query` query rows per class; a
 * query is labelled with the class whose support mean (prototype) is nearest in
 * Euclidean distance. With `groups` (file or segment ids), a class's support and query
 * rows come from disjoint groups, so overlapping windows of one stretch of signal never
 * sit on both sides — the leak that inflated the reference's few-shot numbers.
 */
import { Rng } from '../rng.js';
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

interface ClassPool {
  label: number;
  /** Row indices grouped: byGroup[g] = rows of that group. */
  byGroup: number[][];
  total: number;
}

/** Draws `count` distinct items from `pool` (partial Fisher–Yates on a copy). */
function drawFrom(pool: number[], count: number, rng: Rng): number[] {
  const a = pool.slice();
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng.next() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, count);
}

/**
 * Splits one class's groups at random into a support side (≥ shot rows) and a query side
 * (≥ query rows) and draws from each. Tries a few shuffles; null when none fits.
 */
function drawSupportQuery(pool: ClassPool, shot: number, query: number, rng: Rng): { support: number[]; query: number[] } | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    const order = rng.permutation(pool.byGroup.length);
    const sup: number[] = [];
    let k = 0;
    while (k < order.length && sup.length < shot) sup.push(...pool.byGroup[order[k++]]);
    const qry: number[] = [];
    for (; k < order.length; k++) qry.push(...pool.byGroup[order[k]]);
    if (sup.length >= shot && qry.length >= query) return { support: drawFrom(sup, shot, rng), query: drawFrom(qry, query, rng) };
  }
  return null;
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
  const byClass = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    const g = opts.groups ? opts.groups[i] : i;
    if (!byClass.has(c)) byClass.set(c, new Map());
    const m = byClass.get(c)!;
    if (!m.has(g)) m.set(g, []);
    m.get(g)!.push(i);
  }
  const eligible: ClassPool[] = [];
  const why: string[] = [];
  for (const [label, m] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
    const byGroup = [...m.entries()].sort((a, b) => a[0] - b[0]).map(([, rows]) => rows);
    const total = byGroup.reduce((s, r) => s + r.length, 0);
    if (byGroup.length >= 2 && total >= shot + query) eligible.push({ label, byGroup, total });
    else why.push(`class ${label}: ${total} rows in ${byGroup.length} group(s)`);
  }
  if (eligible.length < way) {
    throw new RangeError(
      `prototypicalEvaluation: ${way}-way ${shot}-shot ${query}-query needs ${way} classes with ≥ 2 groups and ≥ ${shot + query} rows; ` +
        `only ${eligible.length} qualify (${why.join('; ')})`,
    );
  }
  const rng = Rng.derive(opts.seed ?? 0, 'prototypical');
  const episodeAccuracy = new Float64Array(episodes);
  const protos = new Float64Array(way * d);
  for (let e = 0; e < episodes; e++) {
    const chosen = drawFrom(eligible.map((_, i) => i), way, rng).map((i) => eligible[i]);
    const queries: { row: number; cls: number }[] = [];
    protos.fill(0);
    chosen.forEach((pool, c) => {
      const draw = drawSupportQuery(pool, shot, query, rng);
      if (!draw) throw new RangeError(`prototypicalEvaluation: class ${pool.label} has no group split with ${shot} support and ${query} query rows`);
      for (const r of draw.support) for (let j = 0; j < d; j++) protos[c * d + j] += features.data[r * d + j] / shot;
      for (const r of draw.query) queries.push({ row: r, cls: c });
    });
    const P: Matrix = { data: protos, n: way, d };
    let correct = 0;
    for (const q of queries) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < way; c++) {
        const s = sqDist(features, q.row, P, c);
        if (s < bestD) { bestD = s; best = c; }
      }
      if (best === q.cls) correct++;
    }
    episodeAccuracy[e] = correct / queries.length;
  }
  let mean = 0;
  for (const a of episodeAccuracy) mean += a;
  mean /= episodes;
  let ss = 0;
  for (const a of episodeAccuracy) ss += (a - mean) ** 2;
  const sd = episodes > 1 ? Math.sqrt(ss / (episodes - 1)) : 0;
  return { accuracy: mean, ci95: (1.96 * sd) / Math.sqrt(episodes), episodes, way, shot, query, episodeAccuracy };
}
