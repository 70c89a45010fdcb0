/**
 * Adam and AdamW (Loshchilov & Hutter: decoupled weight decay), matching torch.optim:
 *   m ← β1·m + (1−β1)·g,   v ← β2·v + (1−β2)·g²
 *   Adam:  g ← g + λ·w first (L2 in the gradient)
 *   AdamW: w ← w·(1 − lr·λ) first (decay apart from the adaptive step)
 *   w ← w − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + ε)
 * State = (m, v) per variable in the model's fixed variable order + the step count.
 *
 * On wasm and cpu each variable is updated by one fused kernel (backend/fused.ts) instead of
 * ~14 ops; elsewhere (or with `fused: false`) by the plain-op reference below. Both compute
 * the same update (float64 vs float32 intermediates: equal to float tolerance).
 */
import * as tf from '@tensorflow/tfjs';
import { readCopies } from '../backend/device-read.js';
import { fusedAdamW, fusedAvailable } from '../backend/fused.js';

export interface AdamOptions {
  kind: 'adam' | 'adamw';
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** false forces the plain-op reference update (tests); default: fused where available. */
  fused?: boolean;
}

/** Serialisable optimiser state; moments as row-major float32 per variable, same order. */
export interface AdamState {
  kind: 'adam' | 'adamw';
  step: number;
  m: Float32Array[];
  v: Float32Array[];
}

export class AdamW {
  readonly kind: 'adam' | 'adamw';
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  step = 0;
  private readonly fused: boolean;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];

  constructor(
    private readonly vars: tf.Variable[],
    options: AdamOptions,
  ) {
    this.kind = options.kind;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay;
    this.fused = (options.fused ?? true) && fusedAvailable();
    // tidy disposes the zeros; the variables keep their own reference to the data.
    this.m = tf.tidy(() => vars.map((w) => tf.variable(tf.zerosLike(w), false)));
    this.v = tf.tidy(() => vars.map((w) => tf.variable(tf.zerosLike(w), false)));
  }

  /**
   * Applies one update with gradients `gradScale·grads[i]` for `vars[i]` at learning rate lr
   * (gradScale carries a clip factor, so clipping needs no scaled copy of the gradients).
   */
  apply(grads: tf.Tensor[], lr: number, gradScale = 1): void {
    if (grads.length !== this.vars.length) {
      throw new Error(`AdamW.apply: ${grads.length} gradients for ${this.vars.length} variables`);
    }
    this.step += 1;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = this;
    const bc1 = 1 - b1 ** this.step;
    const sqrtBc2 = Math.sqrt(1 - b2 ** this.step);
    if (this.fused) {
      const attrs = {
        beta1: b1, beta2: b2, eps, sqrtBc2, stepSize: lr / bc1, gradScale,
        decay: wd > 0 && this.kind === 'adamw' ? 1 - lr * wd : 1,
        l2: wd > 0 && this.kind === 'adam' ? wd : 0,
      };
      this.vars.forEach((w, i) => {
        const [w2, m2, v2] = fusedAdamW(w, grads[i], this.m[i], this.v[i], attrs);
        // assign takes over the new data; disposing the handles leaves one reference each.
        w.assign(w2);
        this.m[i].assign(m2);
        this.v[i].assign(v2);
        tf.dispose([w2, m2, v2]);
      });
      return;
    }
    tf.tidy(() => {
      this.vars.forEach((w, i) => {
        let g = gradScale === 1 ? grads[i] : tf.mul(grads[i], gradScale);
        let base: tf.Tensor = w;
        if (wd > 0 && this.kind === 'adam') g = tf.add(g, tf.mul(w, wd));
        if (wd > 0 && this.kind === 'adamw') base = tf.mul(w, 1 - lr * wd);
        const m = tf.add(tf.mul(this.m[i], b1), tf.mul(g, 1 - b1));
        const v = tf.add(tf.mul(this.v[i], b2), tf.mul(tf.square(g), 1 - b2));
        const denom = tf.add(tf.div(tf.sqrt(v), sqrtBc2), eps);
        this.m[i].assign(m);
        this.v[i].assign(v);
        w.assign(tf.sub(base, tf.mul(tf.div(m, denom), lr / bc1)));
      });
    });
  }

  async getState(): Promise<AdamState> {
    return { kind: this.kind, step: this.step, m: await readCopies(this.m), v: await readCopies(this.v) };
  }

  setState(state: AdamState): void {
    if (state.m.length !== this.vars.length || state.v.length !== this.vars.length) {
      throw new Error(`AdamW.setState: state has ${state.m.length} moments for ${this.vars.length} variables`);
    }
    tf.tidy(() => {
      state.m.forEach((a, i) => this.m[i].assign(tf.tensor(a, this.vars[i].shape)));
      state.v.forEach((a, i) => this.v[i].assign(tf.tensor(a, this.vars[i].shape)));
    });
    this.step = state.step;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
