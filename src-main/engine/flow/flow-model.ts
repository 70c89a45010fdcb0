/**
 * The flow model: time embedding + condition encoder + velocity network, with its
 * parameters in one registry. Built from a RunSpec's model section plus the data's shape
 * and names, which a checkpoint records so sampling rebuilds the same model.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../../config/schema.js';
import { ParamRegistry } from '../nn/params.js';
import { Rng } from '../rng.js';
import { ConditionEncoder, type ConditionIds } from './condition-encoder.js';
import { TimeEmbedding } from './time-embedding.js';
import { VelocityMlp } from './velocity-mlp.js';

export interface FlowModelShape {
  length: number;
  channels: number;
  domains: number;
  datasets: number;
  /** false: every window gets the unknown condition (task.use_conditional). */
  conditional: boolean;
}

/** Draws for one training forward pass; null (or absent) = evaluation mode. */
export interface TrainDraws {
  /** [B, 2·condition_dim] dropout mask for the condition encoder's hidden layer. */
  conditionHiddenMask: Float32Array | null;
}

export class FlowModel {
  readonly params = new ParamRegistry();
  readonly time: TimeEmbedding;
  readonly cond: ConditionEncoder;
  readonly net: VelocityMlp;
  readonly signalDim: number;

  constructor(
    readonly spec: ModelSpec,
    readonly shape: FlowModelShape,
    seed: number,
  ) {
    if (spec.velocity_net !== 'mlp') throw new Error(`model.velocity_net "${spec.velocity_net}" is not built; valid: mlp`);
    const rng = Rng.derive(seed, 'init');
    this.signalDim = shape.length * shape.channels;
    this.time = new TimeEmbedding(this.params, rng, spec.time_dim, spec.time_scale);
    this.cond = new ConditionEncoder(this.params, rng, spec.condition_dim, shape.domains, shape.datasets);
    this.net = new VelocityMlp(this.params, rng, this.signalDim, spec.time_dim + spec.condition_dim, spec.hidden_dim);
  }

  /** The condition the model actually sees: ids as given, or all unknown when unconditional. */
  conditionFor(ids: ConditionIds): ConditionIds {
    return this.shape.conditional ? ids : this.cond.unknownIds(ids.domain.length);
  }

  /** v̂(x_t, t, c).  xt: [B, L·C], t: [B], ids: [B] each → [B, L·C]. */
  velocity(xt: tf.Tensor2D, t: tf.Tensor1D, ids: ConditionIds, draws: TrainDraws | null = null): tf.Tensor2D {
    const temb = this.time.apply(t);
    const cemb = this.cond.apply(this.conditionFor(ids), draws?.conditionHiddenMask ?? null);
    return this.net.apply(xt, tf.concat([temb, cemb], 1) as tf.Tensor2D);
  }

  dispose(): void {
    this.params.dispose();
  }
}
