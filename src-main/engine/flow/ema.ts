/**
 * Exponential moving average of the weights (Polyak averaging), with the usual warm-up:
 *   d_n = min(decay, (1 + n)/(10 + n)),  s ← d_n·s + (1 − d_n)·w,
 * n = updates so far, s initialised to the weights. The warm-up keeps early shadows from
 * being dominated by the random init on short runs. The shadow holds one tensor per
 * parameter, in the model's fixed order (so checkpoints store it as "ema/<name>").
 */
import * as tf from '@tensorflow/tfjs';
import { readCopies } from '../backend/device-read.js';
import type { ParamRegistry } from '../nn/params.js';

/** d_n = min(decay, (1 + n)/(10 + n)). */
export function emaDecayAt(decay: number, n: number): number {
  return Math.min(decay, (1 + n) / (10 + n));
}

export class Ema {
  updates = 0;
  private readonly shadow: tf.Variable[];

  constructor(
    private readonly params: ParamRegistry,
    readonly decay: number,
  ) {
    if (!(decay > 0 && decay < 1)) throw new Error(`model.ema_decay must be in (0, 1) for an EMA, got ${decay}`);
    this.shadow = tf.tidy(() => params.variables().map((v) => tf.variable(tf.clone(v), false)));
  }

  /** One update after an optimiser step: s ← d_n·s + (1 − d_n)·w. */
  update(): void {
    const d = emaDecayAt(this.decay, this.updates);
    const vars = this.params.variables();
    tf.tidy(() => vars.forEach((w, i) => this.shadow[i].assign(tf.add(tf.mul(this.shadow[i], d), tf.mul(w, 1 - d)))));
    this.updates++;
  }

  /** Shadow values in the model's parameter order (copies). */
  values(): Promise<Float32Array[]> {
    return readCopies(this.shadow);
  }

  /** Restores the shadow (from a checkpoint) and its update count. */
  setValues(values: Float32Array[], updates: number): void {
    if (values.length !== this.shadow.length) throw new Error(`Ema.setValues: ${values.length} arrays for ${this.shadow.length} parameters`);
    tf.tidy(() => values.forEach((a, i) => this.shadow[i].assign(tf.tensor(a, this.shadow[i].shape))));
    this.updates = updates;
  }

  /** Exchanges live weights and shadow: call once to evaluate with EMA weights, again to go back. */
  swap(): void {
    const vars = this.params.variables();
    tf.tidy(() => vars.forEach((w, i) => {
      const live = tf.clone(w);
      w.assign(this.shadow[i]);
      this.shadow[i].assign(live);
    }));
  }

  /** Runs fn with the EMA weights in the model, restoring the live weights after (also on throw). */
  withShadow<T>(fn: () => T): T {
    this.swap();
    try {
      return fn();
    } finally {
      this.swap();
    }
  }

  dispose(): void {
    for (const s of this.shadow) s.dispose();
  }
}
