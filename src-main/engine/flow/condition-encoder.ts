/**
 * Condition encoder: domain and dataset embeddings (each table with a learned "unknown"
 * row) → Linear(2c→2c) → LayerNorm → SiLU → Dropout 0.1 → Linear(2c→c).
 * Condition dropout (ids → unknown with probability 0.1 while training) teaches the same
 * network the unconditional field, so sampling with no condition works.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../nn/dense.js';
import { layerNorm } from '../nn/layer-norm.js';
import { dropout, silu } from '../nn/activations.js';
import { embed, unknownId } from '../nn/embedding.js';
import { ones, xavierUniform, zeros } from '../nn/init.js';
import type { ParamRegistry } from '../nn/params.js';
import type { Rng } from '../rng.js';

export const CONDITION_DROPOUT = 0.1;
export const HIDDEN_DROPOUT = 0.1;

/** Per-window condition ids; the value `count` of a table means "unknown". */
export interface ConditionIds {
  domain: Int32Array;
  dataset: Int32Array;
}

export class ConditionEncoder {
  readonly unknownDomain: number;
  readonly unknownDataset: number;
  private readonly domainTable: tf.Variable;
  private readonly datasetTable: tf.Variable;
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
    domains: number,
    datasets: number,
  ) {
    this.unknownDomain = unknownId(domains);
    this.unknownDataset = unknownId(datasets);
    // N(0, 1) tables like nn.Embedding; the extra last row is the unknown token.
    this.domainTable = params.add('cond.domain_table', [domains + 1, dim], rng.normalArray((domains + 1) * dim));
    this.datasetTable = params.add('cond.dataset_table', [datasets + 1, dim], rng.normalArray((datasets + 1) * dim));
    const c2 = 2 * dim;
    this.w1 = params.add('cond.fc1.w', [c2, c2], xavierUniform(rng, c2, c2));
    this.b1 = params.add('cond.fc1.b', [c2], zeros(c2));
    this.gamma = params.add('cond.ln.gamma', [c2], ones(c2));
    this.beta = params.add('cond.ln.beta', [c2], zeros(c2));
    this.w2 = params.add('cond.fc2.w', [c2, dim], xavierUniform(rng, c2, dim));
    this.b2 = params.add('cond.fc2.b', [dim], zeros(dim));
  }

  /** Ids all set to unknown: the unconditional condition for `n` windows. */
  unknownIds(n: number): ConditionIds {
    return { domain: new Int32Array(n).fill(this.unknownDomain), dataset: new Int32Array(n).fill(this.unknownDataset) };
  }

  /** Training-time condition dropout: each id independently → unknown with probability p. */
  dropConditions(ids: ConditionIds, rng: Rng, p = CONDITION_DROPOUT): ConditionIds {
    const domain = Int32Array.from(ids.domain);
    const dataset = Int32Array.from(ids.dataset);
    for (let i = 0; i < domain.length; i++) if (rng.next() < p) domain[i] = this.unknownDomain;
    for (let i = 0; i < dataset.length; i++) if (rng.next() < p) dataset[i] = this.unknownDataset;
    return { domain, dataset };
  }

  /** ids: [B] each → [B, c]. hiddenMask: [B, 2c] dropout mask while training, null to evaluate. */
  apply(ids: ConditionIds, hiddenMask: Float32Array | null): tf.Tensor2D {
    const e = tf.concat([embed(ids.domain, this.domainTable as tf.Tensor2D), embed(ids.dataset, this.datasetTable as tf.Tensor2D)], 1);
    const h = dense(e as tf.Tensor2D, this.w1 as tf.Tensor2D, this.b1 as tf.Tensor1D);
    const a = silu(layerNorm(h, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D));
    return dense(dropout(a, hiddenMask), this.w2 as tf.Tensor2D, this.b2 as tf.Tensor1D);
  }
}
