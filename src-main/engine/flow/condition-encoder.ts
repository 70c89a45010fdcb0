/**
 * Condition encoder: one embedding table per enabled condition (model.conditions, any of
 * domain, dataset, label, sample_rate), each with a learned "unknown" row distinct from
 * every real id → concat [B, k·c] → Linear(k·c→k·c) → LayerNorm → SiLU → Dropout 0.1 →
 * Linear(k·c→c). With the default [domain, dataset] this is the reference's encoder.
 *
 * Sample rate is embedded by half-octave bucket of log₂ fs (100 Hz … ~200 kHz, 24 rows +
 * unknown): rates seen in vibration data are few and discrete, so a bucket table is as
 * expressive as an MLP on log fs and shares the unknown-token mechanism.
 *
 * Condition dropout (model.condition_dropout, default 0.1) sets all of a window's
 * conditions to unknown at once while training, so the same network learns the
 * unconditional field v(x, t, ∅) that classifier-free guidance needs.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../nn/dense.js';
import { layerNorm } from '../nn/layer-norm.js';
import { dropout, silu } from '../nn/activations.js';
import { embed, unknownId } from '../nn/embedding.js';
import { ones, xavierUniform, zeros } from '../nn/init.js';
import type { ParamRegistry } from '../nn/params.js';
import type { Rng } from '../../data/rng.js';

/** Default of model.condition_dropout (kept for callers that have no spec). */
export const CONDITION_DROPOUT = 0.1;
export const HIDDEN_DROPOUT = 0.1;

export type ConditionName = 'domain' | 'dataset' | 'label' | 'sample_rate';
export const CONDITION_NAMES: readonly ConditionName[] = ['domain', 'dataset', 'label', 'sample_rate'];

/** Sample-rate buckets: bucket = clamp(round(2·log₂(fs/1000)) + 8, 0, 23). */
export const FS_BUCKETS = 24;

/** Half-octave bucket of a sample rate; a missing rate (≤ 0 or non-finite) is the unknown row. */
export function sampleRateBucket(fsHz: number): number {
  if (!Number.isFinite(fsHz) || fsHz <= 0) return FS_BUCKETS;
  return Math.min(FS_BUCKETS - 1, Math.max(0, Math.round(2 * Math.log2(fsHz / 1000)) + 8));
}

/**
 * Per-window conditions; id `count` of a table means "unknown". label and fsHz may be
 * absent: every window then has the unknown label / rate. fsHz 0 = unknown rate.
 */
export interface ConditionIds {
  domain: Int32Array;
  dataset: Int32Array;
  label?: Int32Array;
  fsHz?: Float32Array;
}

/** Real-id counts per condition (the unknown row is added on top). */
export interface ConditionCounts {
  domains: number;
  datasets: number;
  labels: number;
}

export class ConditionEncoder {
  readonly unknownDomain: number;
  readonly unknownDataset: number;
  readonly unknownLabel: number;
  /** Width of the concatenated embeddings and of the hidden layer (k·c). */
  readonly hiddenDim: number;
  private readonly tables = new Map<ConditionName, tf.Variable>();
  private readonly w1: tf.Variable;
  private readonly b1: tf.Variable;
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  private readonly w2: tf.Variable;
  private readonly b2: tf.Variable;

  constructor(
    params: ParamRegistry,
    rng: Rng,
    readonly dim: number,
    counts: ConditionCounts,
    readonly conditions: readonly ConditionName[] = ['domain', 'dataset'],
  ) {
    if (conditions.length === 0) throw new Error('model.conditions must name at least one of domain, dataset, label, sample_rate');
    if (new Set(conditions).size !== conditions.length) throw new Error(`model.conditions [${conditions}] lists a condition twice`);
    this.unknownDomain = unknownId(counts.domains);
    this.unknownDataset = unknownId(counts.datasets);
    this.unknownLabel = unknownId(counts.labels);
    const rows: Record<ConditionName, number> = {
      domain: counts.domains + 1, dataset: counts.datasets + 1, label: counts.labels + 1, sample_rate: FS_BUCKETS + 1,
    };
    // N(0, 1) tables like nn.Embedding; the extra last row is the unknown token.
    for (const c of conditions) {
      this.tables.set(c, params.add(`cond.${c}_table`, [rows[c], dim], rng.normalArray(rows[c] * dim)));
    }
    const c2 = conditions.length * dim;
    this.hiddenDim = c2;
    this.w1 = params.add('cond.fc1.w', [c2, c2], xavierUniform(rng, c2, c2));
    this.b1 = params.add('cond.fc1.b', [c2], zeros(c2));
    this.gamma = params.add('cond.ln.gamma', [c2], ones(c2));
    this.beta = params.add('cond.ln.beta', [c2], zeros(c2));
    this.w2 = params.add('cond.fc2.w', [c2, dim], xavierUniform(rng, c2, dim));
    this.b2 = params.add('cond.fc2.b', [dim], zeros(dim));
  }

  /** Ids all set to unknown: the unconditional condition for `n` windows. */
  unknownIds(n: number): ConditionIds {
    return {
      domain: new Int32Array(n).fill(this.unknownDomain),
      dataset: new Int32Array(n).fill(this.unknownDataset),
      label: new Int32Array(n).fill(this.unknownLabel),
      fsHz: new Float32Array(n),
    };
  }

  /** Training-time condition dropout: each window's conditions → all unknown with probability p. */
  dropConditions(ids: ConditionIds, rng: Rng, p = CONDITION_DROPOUT): ConditionIds {
    const n = ids.domain.length;
    const domain = Int32Array.from(ids.domain);
    const dataset = Int32Array.from(ids.dataset);
    const label = ids.label ? Int32Array.from(ids.label) : new Int32Array(n).fill(this.unknownLabel);
    const fsHz = ids.fsHz ? Float32Array.from(ids.fsHz) : new Float32Array(n);
    for (let i = 0; i < n; i++) {
      if (rng.next() >= p) continue;
      domain[i] = this.unknownDomain;
      dataset[i] = this.unknownDataset;
      label[i] = this.unknownLabel;
      fsHz[i] = 0;
    }
    return { domain, dataset, label, fsHz };
  }

  /** The table row of every window for condition `c` (absent label/rate → unknown). */
  rowsFor(c: ConditionName, ids: ConditionIds): Int32Array {
    const n = ids.domain.length;
    switch (c) {
      case 'domain': return ids.domain;
      case 'dataset': return ids.dataset;
      case 'label': return ids.label ?? new Int32Array(n).fill(this.unknownLabel);
      case 'sample_rate': return ids.fsHz ? Int32Array.from(ids.fsHz, sampleRateBucket) : new Int32Array(n).fill(FS_BUCKETS);
    }
  }

  /** ids: [B] each → [B, c]. hiddenMask: [B, k·c] dropout mask while training, null to evaluate. */
  apply(ids: ConditionIds, hiddenMask: Float32Array | null): tf.Tensor2D {
    return tf.tidy(() => {
      const parts = this.conditions.map((c) => embed(this.rowsFor(c, ids), this.tables.get(c) as tf.Tensor as tf.Tensor2D));
      const e = parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D);
      const h = dense(e, this.w1 as tf.Tensor2D, this.b1 as tf.Tensor1D);
      const a = silu(layerNorm(h, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D));
      return dense(dropout(a, hiddenMask), this.w2 as tf.Tensor2D, this.b2 as tf.Tensor1D);
    });
  }
}
