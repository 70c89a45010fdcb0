/**
 * A 1-D patch Transformer velocity field (DiT, Peebles & Xie 2023, on windows):
 *   patchify [B, L, C] → [B·T, p·C] (T = L/p; a window's p samples × C channels are
 *   contiguous in row-major memory, so it is a reshape) → Linear(p·C → d) + sinusoidal
 *   positions → depth × block → AdaLN → Linear(d → p·C) → unpatchify [B, L·C].
 *   block(h; c):  (β1, γ1, α1, β2, γ2, α2) = Linear(SiLU(c))      (zero-initialised: AdaLN-Zero)
 *                 h ← h + α1 ⊙ MHSA(LN(h)⊙(1+γ1) + β1)
 *                 h ← h + α2 ⊙ MLP(LN(h)⊙(1+γ2) + β2),  MLP = Linear(d→hidden) → SiLU → Linear(hidden→d)
 * c = [time embedding ‖ condition embedding] ([B, time_dim + condition_dim]); one Linear on
 * the concatenation equals the sum of separate projections of the two.
 * Zero-initialised gates and output make the initial field v̂ ≡ 0 and each block start as
 * the identity; gradients reach every parameter from the second optimiser step on.
 */
import * as tf from '@tensorflow/tfjs';
import { dense } from '../nn/dense.js';
import { silu } from '../nn/activations.js';
import { adaLayerNorm, gateTokens } from '../nn/adaln.js';
import { multiHeadSelfAttention, type AttentionWeights } from '../nn/attention.js';
import { xavierUniform, zeros } from '../nn/init.js';
import type { ParamRegistry } from '../nn/params.js';
import type { Rng } from '../../data/rng.js';
import { sinusoidalPositions } from './positional-encoding.js';

export interface DitShape {
  length: number;
  channels: number;
  patch: number;
  /** token width d */
  dim: number;
  depth: number;
  heads: number;
  /** feed-forward hidden width of each block */
  hidden: number;
  /** conditioning vector width (time_dim + condition_dim) */
  contextDim: number;
}

interface Block {
  ada: { w: tf.Tensor2D; b: tf.Tensor1D };
  attn: AttentionWeights;
  fc1: { w: tf.Tensor2D; b: tf.Tensor1D };
  fc2: { w: tf.Tensor2D; b: tf.Tensor1D };
}

/** Checks a DiT shape and says which config key is wrong. */
export function checkDitShape(s: DitShape): void {
  if (s.length % s.patch !== 0) {
    const divisors = [2, 4, 8, 16, 32, 64, 128].filter((p) => s.length % p === 0).join(', ') || '1';
    throw new Error(`model.patch_size ${s.patch} does not divide data.window_length ${s.length}; choose a divisor (e.g. ${divisors}) or change the window length`);
  }
  if (s.dim % s.heads !== 0) throw new Error(`model.token_dim ${s.dim} is not divisible by model.heads ${s.heads}`);
}

export class VelocityDit {
  readonly tokens: number;
  readonly patchDim: number;
  private readonly embed: { w: tf.Tensor2D; b: tf.Tensor1D };
  private readonly blocks: Block[] = [];
  private readonly finalAda: { w: tf.Tensor2D; b: tf.Tensor1D };
  private readonly out: { w: tf.Tensor2D; b: tf.Tensor1D };
  private readonly positions: Float32Array;

  constructor(params: ParamRegistry, rng: Rng, readonly shape: DitShape) {
    checkDitShape(shape);
    const { dim: d, hidden: H, contextDim: K } = shape;
    this.tokens = shape.length / shape.patch;
    this.patchDim = shape.patch * shape.channels;
    const P = this.patchDim;
    const add = (name: string, dims: number[], v: Float32Array): tf.Tensor => params.add(`dit.${name}`, dims, v) as tf.Tensor;
    const lin = (name: string, fanIn: number, fanOut: number, zero = false): { w: tf.Tensor2D; b: tf.Tensor1D } => ({
      w: add(`${name}.w`, [fanIn, fanOut], zero ? zeros(fanIn * fanOut) : xavierUniform(rng, fanIn, fanOut)) as tf.Tensor2D,
      b: add(`${name}.b`, [fanOut], zeros(fanOut)) as tf.Tensor1D,
    });
    this.embed = lin('embed', P, d);
    for (let i = 0; i < shape.depth; i++) {
      const ada = lin(`block${i}.ada`, K, 6 * d, true);
      const qkv = lin(`block${i}.attn.qkv`, d, 3 * d);
      const o = lin(`block${i}.attn.out`, d, d);
      const fc1 = lin(`block${i}.mlp.fc1`, d, H);
      const fc2 = lin(`block${i}.mlp.fc2`, H, d);
      this.blocks.push({ ada, attn: { wQkv: qkv.w, bQkv: qkv.b, wOut: o.w, bOut: o.b }, fc1, fc2 });
    }
    this.finalAda = lin('final.ada', K, 2 * d, true);
    this.out = lin('final.out', d, P, true);
    this.positions = sinusoidalPositions(this.tokens, d);
  }

  /** Token embeddings plus positions.  x: [B, L·C] → [B·T, d]. */
  embedTokens(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const b = x.shape[0];
      const { tokens: T } = this;
      const d = this.shape.dim;
      const e = dense(tf.reshape(x, [b * T, this.patchDim]), this.embed.w, this.embed.b, { inputGrad: false });
      const pos = tf.tensor3d(this.positions, [1, T, d]);
      return tf.reshape(tf.add(tf.reshape(e, [b, T, d]), pos), [b * T, d]) as tf.Tensor2D;
    });
  }

  /** The transformer trunk.  h: [B·T, d] tokens, context c: [B, K] → [B·T, d]. */
  trunk(h: tf.Tensor2D, context: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const b = context.shape[0];
      const T = this.tokens;
      const sc = silu(context);
      let x = h;
      for (const blk of this.blocks) {
        const [sh1, sc1, g1, sh2, sc2, g2] = tf.split(dense(sc, blk.ada.w, blk.ada.b), 6, 1) as tf.Tensor2D[];
        const a = multiHeadSelfAttention(adaLayerNorm(x, sh1, sc1, T), blk.attn, b, T, this.shape.heads);
        x = tf.add(x, gateTokens(a, g1, T)) as tf.Tensor2D;
        const m = dense(silu(dense(adaLayerNorm(x, sh2, sc2, T), blk.fc1.w, blk.fc1.b)), blk.fc2.w, blk.fc2.b);
        x = tf.add(x, gateTokens(m, g2, T)) as tf.Tensor2D;
      }
      return x;
    });
  }

  /** v̂ = DiT(x_t; c).  xt: [B, L·C], context: [B, K] → [B, L·C]. */
  apply(xt: tf.Tensor2D, context: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const b = xt.shape[0];
      const T = this.tokens;
      const h = this.trunk(this.embedTokens(xt), context);
      const [shift, scale] = tf.split(dense(silu(context), this.finalAda.w, this.finalAda.b), 2, 1) as tf.Tensor2D[];
      const y = dense(adaLayerNorm(h, shift, scale, T), this.out.w, this.out.b);
      return tf.reshape(y, [b, xt.shape[1]]) as tf.Tensor2D;
    });
  }

  /** Mean-pooled trunk output.  x: [B, L·C], context: [B, K] → [B, d]. */
  pooledFeatures(x: tf.Tensor2D, context: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      const b = x.shape[0];
      const h = this.trunk(this.embedTokens(x), context);
      return tf.mean(tf.reshape(h, [b, this.tokens, this.shape.dim]), 1) as tf.Tensor2D;
    });
  }
}
