/**
 * One flow-only training step (loss and gradients, global-norm clip, AdamW) that reads the
 * device only asynchronously, as the webgpu backend needs in Node (its dataSync wants
 * OffscreenCanvas). The arithmetic is the loop's flow-only step: flowLossAndGrads, the clip
 * factor, AdamW.apply with that factor as gradScale.
 */
import * as tf from '@tensorflow/tfjs';
import type { FlowModel } from '../flow/flow-model.js';
import type { AdamW } from './adamw.js';
import type { Batch } from './batches.js';
import { clipFactor } from './clipping.js';
import { flowLossTensorAndGrads, type FlowDraws } from './flow-step.js';

export interface AsyncStepResult {
  /** The flow loss before the update. */
  loss: number;
  /** ‖g‖ before clipping. */
  norm: number;
}

export async function asyncFlowStep(
  model: FlowModel, batch: Batch, draws: FlowDraws, optimizer: AdamW, lr: number, maxNorm: number,
): Promise<AsyncStepResult> {
  const { flow, grads } = flowLossTensorAndGrads(model, batch, draws, 1);
  try {
    const [loss] = await flow.data();
    const clip = await clipFactor(grads, maxNorm);
    optimizer.apply(grads, lr, clip.scale);
    return { loss, norm: clip.norm };
  } finally {
    flow.dispose();
    tf.dispose(grads);
  }
}
