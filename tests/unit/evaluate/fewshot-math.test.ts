/**
 * The new math of the evaluation job: the prototypical loss against a hand computation,
 * episode draws that never put one group on both sides, the supervised baseline learning
 * a separable problem, and the report's flattening into quality rows.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src-main/engine/backend/select-backend.js';
import { drawEpisode, episodePool, fittingQuery } from '../../../src-main/engine/metrics/episodes.js';
import { severityLabel } from '../../../src-main/engine/evaluate/eval-data.js';
import { prototypicalLoss } from '../../../src-main/engine/evaluate/prototypical-loss.js';
import { fitSupervised } from '../../../src-main/engine/evaluate/supervised-baseline.js';
import { Rng } from '../../../src-main/data/rng.js';
import { qualityLeaves } from '../../../src-main/host/evaluate/evaluate-report.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('prototypicalLoss', () => {
  it('equals the hand-computed cross-entropy of −squared distances to the class means', () => {
    // 2 classes, 2 support rows each, 2-D features; 3 queries.
    const S = [[0, 0], [2, 0], [0, 4], [0, 6]];
    const sy = [0, 0, 1, 1];
    const Q = [[1, 1], [0, 5], [3, 3]];
    const qy = [0, 1, 1];
    const protos = [[1, 0], [0, 5]];
    let hand = 0;
    Q.forEach((q, i) => {
      const logits = protos.map((p) => -((q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2));
      const m = Math.max(...logits);
      const lse = m + Math.log(logits.reduce((s, z) => s + Math.exp(z - m), 0));
      hand += lse - logits[qy[i]];
    });
    hand /= Q.length;
    const before = tf.memory().numTensors;
    const loss = prototypicalLoss(tf.tensor2d(S), sy, tf.tensor2d(Q), qy, 2);
    expect(loss.dataSync()[0]).toBeCloseTo(hand, 4);
    loss.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 2); // only the two inputs remain
  });

  it('has gradients that move the features towards their prototypes', () => {
    const s = tf.variable(tf.tensor2d([[0, 0], [4, 0]]));
    const q = tf.variable(tf.tensor2d([[1, 0], [3, 0]]));
    const { grads } = tf.variableGrads(() => prototypicalLoss(s, [0, 1], q, [0, 1], 2), [s, q]);
    // Query 0 (class 0 at x=0) is pulled left: d loss / d q0.x > 0.
    expect((grads[q.name].arraySync() as number[][])[0][0]).toBeGreaterThan(0);
    tf.dispose([s, q, ...Object.values(grads)]);
  });

  it('refuses a class without support rows', () => {
    expect(() => prototypicalLoss(tf.tensor2d([[0, 0]]), [0], tf.tensor2d([[1, 1]]), [1], 2)).toThrow(/class 1 has no support/);
  });
});

describe('episodes', () => {
  it('never draws support and query of a class from the same group', () => {
    const n = 400;
    const labels = Int32Array.from({ length: n }, (_, i) => i % 4);
    const groups = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 20));
    const pool = episodePool(labels, groups, 5, 15);
    const rng = new Rng(3);
    for (let e = 0; e < 50; e++) {
      const ep = drawEpisode(pool, 4, 5, 15, rng);
      expect(ep.support).toHaveLength(20);
      expect(ep.query).toHaveLength(60);
      for (let c = 0; c < 4; c++) {
        const sg = new Set(ep.support.filter((_, k) => ep.supportY[k] === c).map((r) => groups[r]));
        const qg = ep.query.filter((_, k) => ep.queryY[k] === c).map((r) => groups[r]);
        expect(qg.some((g) => sg.has(g))).toBe(false);
        // Episode class c really is one original label.
        expect(new Set(ep.query.filter((_, k) => ep.queryY[k] === c).map((r) => labels[r])).size).toBe(1);
      }
    }
  });
});

describe('supervised baseline', () => {
  it('learns a separable few-shot problem from the support set alone', () => {
    // Class 0: a low-frequency sine, class 1: a high-frequency one, random phase.
    const rng = new Rng(1);
    const L = 64;
    const make = (n: number, cls: number[]) => {
      const x = new Float64Array(n * L);
      for (let i = 0; i < n; i++) {
        const f = cls[i] === 0 ? 2 : 11;
        const ph = rng.next() * 6.28;
        for (let t = 0; t < L; t++) x[i * L + t] = Math.sin((2 * Math.PI * f * t) / L + ph) + 0.1 * rng.normal();
      }
      return { data: x, n, d: L };
    };
    const ys = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    const yq = Array.from({ length: 40 }, (_, i) => i % 2);
    const net = fitSupervised(make(10, ys), ys, 2, { steps: 80, seed: 5 });
    expect(net.losses[net.losses.length - 1]).toBeLessThan(0.5 * net.losses[0]);
    const pred = net.predict(make(40, yq));
    net.dispose();
    const acc = pred.filter((p, i) => p === yq[i]).length / yq.length;
    expect(acc).toBeGreaterThan(0.6);
  });
});

describe('report flattening', () => {
  it('turns every nested MetricResult into a dotted quality row and skips notes', () => {
    const leaves = qualityLeaves({
      setup: { weights: 'live' },
      few_shot: { accuracy: { value: 0.9, ci95: 0.01, protocol: 'p', split: 's', seed: 1, episodes: 200, way: 4, shot: 5 } },
      baselines: { random_init: { few_shot: { accuracy: { value: 0.5, protocol: 'p', split: 's', seed: 1 } } } },
      generation: { conditional_accuracy: 'not available: x' },
    });
    expect(leaves.map((l) => l.metric)).toEqual(['few_shot.accuracy', 'baselines.random_init.few_shot.accuracy']);
    expect(leaves[0]).toMatchObject({ value: 0.9, ci95: 0.01, seed: 1, protocol: 'p' });
    expect(leaves[0].details).toMatchObject({ episodes: 200, way: 4, shot: 5 });
  });

  it('names CWRU severities', () => {
    expect(severityLabel('inner_race', 0.007)).toBe('inner_race_007');
    expect(severityLabel('outer_race', 0.021)).toBe('outer_race_021');
    expect(severityLabel('normal', null)).toBe('normal');
  });
});

describe('fittingQuery', () => {
  // Class 0: 17 rows in groups of 4,4,4,4,1 (a short recording); classes 1-3: 40 rows in groups of 4.
  const labels: number[] = [], groups: number[] = [];
  [4, 4, 4, 4, 1].forEach((size, g) => { for (let i = 0; i < size; i++) { labels.push(0); groups.push(g); } });
  for (let c = 1; c <= 3; c++) for (let i = 0; i < 40; i++) { labels.push(c); groups.push(100 * c + Math.floor(i / 4)); }

  it('shrinks the query to what the short class can always fill, and every draw then succeeds', () => {
    const q = fittingQuery(labels, groups, 4, 5, 15);
    expect(q).toBe(17 - (5 - 1 + 4)); // support may swallow shot − 1 + the largest group
    const pool = episodePool(labels, groups, 5, q);
    const rng = new Rng(11);
    for (let e = 0; e < 500; e++) {
      const ep = drawEpisode(pool, 4, 5, q, rng);
      expect(ep.query).toHaveLength(4 * q);
      const sup = new Set(ep.support.map((r) => groups[r]));
      expect(ep.query.some((r) => sup.has(groups[r]))).toBe(false);
    }
  });

  it('keeps the requested query when every class has room, and gives 0 when too few classes have two groups', () => {
    expect(fittingQuery(labels.filter((l) => l > 0), groups.filter((_, i) => labels[i] > 0), 3, 5, 15)).toBe(15);
    expect(fittingQuery(labels, groups, 5, 5, 15)).toBe(0);
  });
});
