/**
 * EMA weights in checkpoints: a CheckpointPart named "ema" (blobs "part.ema/<param name>",
 * state { decay, updates }) so a resume continues the same shadow, and a loader that puts
 * the shadow into a restored model for sampling and evaluation.
 */
import type { NamedArray } from '../checkpoint/format.js';
import type { CheckpointPart } from '../train/run-state.js';
import type { Ema } from './ema.js';
import type { FlowModel } from './flow-model.js';
import * as tf from '@tensorflow/tfjs';

export const EMA_PART = 'ema';

/** The EMA's checkpoint part, or none when EMA is off. */
export function emaParts(ema: Ema | null, model: FlowModel): CheckpointPart[] {
  if (!ema) return [];
  const names = model.params.list().map((p) => p.name);
  return [{
    name: EMA_PART,
    save: async () => {
      const values = await ema.values();
      return {
        state: { decay: ema.decay, updates: ema.updates },
        arrays: names.map((name, i) => ({ name, shape: model.params.get(name).shape, data: values[i] })),
      };
    },
    load: (state, arrays) => {
      const s = state as { updates?: number } | undefined;
      const values = names.map((n) => {
        const a = arrays.get(n);
        if (!a) throw new Error(`checkpoint: EMA weights lack parameter "${n}"`);
        return a.data;
      });
      ema.setValues(values, s?.updates ?? 0);
    },
  }];
}

/**
 * Loads a checkpoint's EMA shadow into `model` (replacing its weights). Returns false when
 * the checkpoint has none (EMA off, or written before EMA existed): the live weights stay.
 */
export function loadEmaWeights(model: FlowModel, arrays: Map<string, NamedArray>): boolean {
  const list = model.params.list();
  const blobs = list.map((p) => arrays.get(`part.${EMA_PART}/${p.name}`));
  if (blobs.some((b) => !b)) return false;
  tf.tidy(() => list.forEach((p, i) => p.variable.assign(tf.tensor(blobs[i]!.data, p.variable.shape))));
  return true;
}
