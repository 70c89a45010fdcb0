/**
 * The flow model: time embedding + condition encoder + velocity network (model.velocity_net:
 * the reference mlp or the dit patch Transformer), with its parameters in one registry.
 * Built from a RunSpec's model section plus the data's shape and names, which a checkpoint
 * records so sampling rebuilds the same model.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelSpec } from '../../config/schema.js';
import { ParamRegistry } from '../nn/params.js';
import { Rng } from '../../data/rng.js';
import { ConditionEncoder, type ConditionIds } from './condition-encoder.js';
import { VelocityDit } from './dit-velocity.js';
import { classifierFreeGuidance } from './guidance.js';
import { mlpEncoderFeatures } from './mlp-features.js';
import type { VelocityField } from './samplers.js';
import { TimeEmbedding } from './time-embedding.js';
import { VelocityMlp } from './velocity-mlp.js';

export interface FlowModelShape {
  length: number;
  channels: number;
  domains: number;
  datasets: number;
  /** Number of classes (label condition); absent in checkpoints older than the label condition = 0. */
  labels?: number;
  /** false: every window gets the unknown condition (task.use_conditional). */
  conditional: boolean;
}

/** Draws for one training forward pass; null (or absent) = evaluation mode. */
export interface TrainDraws {
  /** [B, k·condition_dim] dropout mask for the condition encoder's hidden layer. */
  conditionHiddenMask: Float32Array | null;
}

export interface EncoderOptions {
  /** Training mode: reserved for dropout in the trunk (neither trunk has any today). */
  training?: boolean;
  /** Flow time the context says (1 = data, the default); the caller noises x to match (features.ts). */
  t?: number;
}

export class FlowModel {
  readonly params = new ParamRegistry();
  readonly time: TimeEmbedding;
  readonly cond: ConditionEncoder;
  readonly net: VelocityMlp | VelocityDit;
  readonly signalDim: number;
  /** Width of encoderFeatures' output: token_dim (dit) or hidden_dim (mlp). */
  readonly featureDim: number;

  constructor(
    readonly spec: ModelSpec,
    readonly shape: FlowModelShape,
    seed: number,
  ) {
    const rng = Rng.derive(seed, 'init');
    this.signalDim = shape.length * shape.channels;
    const contextDim = spec.time_dim + spec.condition_dim;
    this.time = new TimeEmbedding(this.params, rng, spec.time_dim, spec.time_scale);
    this.cond = new ConditionEncoder(this.params, rng, spec.condition_dim, {
      domains: shape.domains, datasets: shape.datasets, labels: shape.labels ?? 0,
    }, spec.conditions);
    if (spec.velocity_net === 'mlp') {
      this.net = new VelocityMlp(this.params, rng, this.signalDim, contextDim, spec.hidden_dim);
      this.featureDim = spec.hidden_dim;
    } else if (spec.velocity_net === 'dit') {
      this.net = new VelocityDit(this.params, rng, {
        length: shape.length, channels: shape.channels, patch: spec.patch_size, dim: spec.token_dim,
        depth: spec.depth, heads: spec.heads, hidden: spec.hidden_dim, contextDim,
      });
      this.featureDim = spec.token_dim;
    } else {
      throw new Error(`model.velocity_net "${spec.velocity_net as string}" is not built; valid: mlp, dit`);
    }
  }

  /** The condition the model actually sees: ids as given, or all unknown when unconditional. */
  conditionFor(ids: ConditionIds): ConditionIds {
    return this.shape.conditional ? ids : this.cond.unknownIds(ids.domain.length);
  }

  /** c = [time emb ‖ condition emb].  t: [B], ids: [B] each → [B, time_dim + condition_dim]. */
  context(t: tf.Tensor1D, ids: ConditionIds, draws: TrainDraws | null = null): tf.Tensor2D {
    return tf.tidy(() => {
      const temb = this.time.apply(t);
      const cemb = this.cond.apply(this.conditionFor(ids), draws?.conditionHiddenMask ?? null);
      return tf.concat([temb, cemb], 1) as tf.Tensor2D;
    });
  }

  /** v̂(x_t, t, c).  xt: [B, L·C], t: [B], ids: [B] each → [B, L·C]. */
  velocity(xt: tf.Tensor2D, t: tf.Tensor1D, ids: ConditionIds, draws: TrainDraws | null = null): tf.Tensor2D {
    return tf.tidy(() => this.net.apply(xt, this.context(t, ids, draws)));
  }

  /**
   * The field a sampler integrates, evaluation mode, with classifier-free guidance scale w
   * (1 = plain conditional; an unconditional model or all-unknown ids need no second pass).
   * ids: [B] each, B = the batch the sampler will pass.
   */
  field(ids: ConditionIds, guidanceScale = 1): VelocityField {
    if (guidanceScale === 1 || !this.shape.conditional) return (x, t) => this.velocity(x, t, ids, null);
    const uncond = this.cond.unknownIds(ids.domain.length);
    return (x, t) => tf.tidy(() => {
      const vc = this.velocity(x, t, ids, null);
      const vu = this.velocity(x, t, uncond, null);
      return classifierFreeGuidance(vc, vu, guidanceScale);
    });
  }

  /**
   * Pooled encoder features for downstream tasks and the contrastive branch, at t = 1 with
   * the unknown condition. dit: token embeddings through the blocks, mean over tokens
   * ([B, token_dim]); mlp: the first hidden layer's activations SiLU(LN(x·W₁ + c·W₁c + b₁))
   * ([B, hidden_dim]), the only layer of the reference net that sees the signal alone.
   * x: [B, L, C] → [B, featureDim]. Differentiable w.r.t. the model's parameters.
   */
  encoderFeatures(x: tf.Tensor3D, opts: EncoderOptions = {}): tf.Tensor2D {
    void opts.training;
    const [b, l, c] = x.shape;
    if (l !== this.shape.length || c !== this.shape.channels) {
      throw new Error(`encoderFeatures: x [${x.shape}] does not match the model's windows [B, ${this.shape.length}, ${this.shape.channels}]`);
    }
    return tf.tidy(() => {
      const flat = tf.reshape(x, [b, this.signalDim]) as tf.Tensor2D;
      const ctx = this.context(tf.fill([b], opts.t ?? 1) as tf.Tensor1D, this.cond.unknownIds(b), null);
      if (this.net instanceof VelocityDit) return this.net.pooledFeatures(flat, ctx);
      return mlpEncoderFeatures(this.params, flat, ctx);
    });
  }

  dispose(): void {
    this.params.dispose();
  }
}
