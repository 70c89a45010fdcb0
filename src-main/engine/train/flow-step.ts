/**
 * One rectified-flow objective evaluation on a batch, with its draws passed in, plus the
 * gradient of it. The loss is flow_weight · MSE(v̂(x_t, t, c), x − ε).
 */
import * as tf from '@tensorflow/tfjs';
import { HIDDEN_DROPOUT, type ConditionIds } from '../flow/condition-encoder.js';
import type { FlowModel, TrainDraws } from '../flow/flow-model.js';
import { flowLoss, sampleFlow } from '../flow/rectified-flow.js';
import type { Rng } from '../../data/rng.js';
import type { Batch } from './batches.js';

/** Random draws for one batch of B windows of D values. */
export interface FlowDraws {
  /** [B] t ~ U(0, 1) */
  t: Float32Array;
  /** [B·D] ε ~ N(0, 1) */
  noise: Float32Array;
  ids: ConditionIds;
  train: TrainDraws | null;
}

/** Training draws: t, ε, condition dropout (ids → unknown), hidden dropout mask. */
export function drawTraining(model: FlowModel, batch: Batch, rng: Rng): FlowDraws {
  const t = rng.uniformArray(batch.n);
  const noise = rng.normalArray(batch.n * model.signalDim);
  const ids = model.cond.dropConditions(batchConditions(batch), rng, model.spec.condition_dropout);
  const mask = rng.dropoutMask(batch.n * model.cond.hiddenDim, HIDDEN_DROPOUT);
  return { t, noise, ids, train: { conditionHiddenMask: mask } };
}

/** Evaluation draws: t, ε only; real conditions, no dropout. */
export function drawEvaluation(model: FlowModel, batch: Batch, rng: Rng): FlowDraws {
  return {
    t: rng.uniformArray(batch.n),
    noise: rng.normalArray(batch.n * model.signalDim),
    ids: batchConditions(batch),
    train: null,
  };
}

/** A batch's conditions (every kind; the encoder reads those model.conditions names). */
export function batchConditions(batch: Batch): ConditionIds {
  return {
    domain: batch.domain, dataset: batch.dataset,
    ...(batch.label ? { label: batch.label } : {}), ...(batch.fsHz ? { fsHz: batch.fsHz } : {}),
  };
}

/** Scalar flow loss MSE(v̂, x − ε) for a batch (a tensor; the caller disposes it). */
export function batchFlowLoss(model: FlowModel, batch: Batch, draws: FlowDraws): tf.Scalar {
  return tf.tidy(() => {
    const x = tf.tensor2d(batch.x, [batch.n, model.signalDim]);
    const s = sampleFlow(x, draws.t, draws.noise);
    return flowLoss(model.velocity(s.xt, s.t, draws.ids, draws.train), s.target);
  });
}

export interface LossAndGrads {
  flowLoss: number;
  /** Gradients of flowWeight·flow_loss, in the model's parameter order. */
  grads: tf.Tensor[];
}

/** The loss still on the device (the caller reads and disposes it; webgpu reads only with data()). */
export function flowLossTensorAndGrads(model: FlowModel, batch: Batch, draws: FlowDraws, flowWeight: number): { flow: tf.Scalar; grads: tf.Tensor[] } {
  const vars = model.params.variables();
  return tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => batchFlowLoss(model, batch, draws), vars);
    // ∇(w·L) = w·∇L: scale after, so the unweighted flow loss stays available for logging.
    const scaled = vars.map((v) => (flowWeight === 1 ? grads[v.name] : tf.mul(grads[v.name], flowWeight)));
    return { flow: value, grads: scaled };
  });
}

export function flowLossAndGrads(model: FlowModel, batch: Batch, draws: FlowDraws, flowWeight: number): LossAndGrads {
  const out = flowLossTensorAndGrads(model, batch, draws, flowWeight);
  const value = out.flow.dataSync()[0];
  out.flow.dispose();
  return { flowLoss: value, grads: out.grads };
}
