import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { Rng } from '../../../../src-main/data/rng.js';
import { AdamW, type AdamState } from '../../../../src-main/engine/train/adamw.js';
import { clipByGlobalNorm, clipFactor, globalNorm } from '../../../../src-main/engine/train/clipping.js';
import { fusedAvailable, sumOfSquares } from '../../../../src-main/engine/backend/fused.js';
import { simdKernels, simdModuleBytes, wasmApi } from '../../../../src-main/engine/backend/simd-kernels.js';

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(async () => {
  await tf.setBackend('wasm');
});

// Sizes with and without a < 4 tail, a scalar-ish one and a matrix.
const SHAPES: number[][] = [[7], [4], [1], [33, 5]];

async function run(kind: 'adam' | 'adamw', fused: boolean, steps: number, gradScale: number): Promise<{ w: Float32Array[]; state: AdamState }> {
  const rng = new Rng(11);
  const vars = tf.tidy(() => SHAPES.map((s) => tf.variable(tf.tensor(rng.normalArray(s.reduce((a, b) => a * b, 1)), s))));
  const opt = new AdamW(vars, { kind, weightDecay: 0.05, fused });
  for (let k = 0; k < steps; k++) {
    const grads = vars.map((v) => tf.tensor(rng.normalArray(v.size), v.shape));
    opt.apply(grads, 0.01 * (k + 1), gradScale);
    tf.dispose(grads);
  }
  const w = vars.map((v) => Float32Array.from(v.dataSync()));
  const state = await opt.getState();
  opt.dispose();
  tf.dispose(vars);
  return { w, state };
}

function expectClose(a: Float32Array[], b: Float32Array[], tol: number): void {
  expect(a.length).toBe(b.length);
  a.forEach((x, i) => {
    expect(x.length).toBe(b[i].length);
    let worst = 0;
    for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs(x[k] - b[i][k]) / Math.max(1, Math.abs(b[i][k])));
    expect(worst).toBeLessThan(tol);
  });
}

describe.each(['wasm', 'cpu'] as const)('fused AdamW on %s equals the plain-op reference', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    expect(fusedAvailable()).toBe(true);
  });

  it.each([['adamw', 1], ['adam', 1], ['adamw', 0.25]] as const)('%s, grad scale %s, 5 steps: same weights and moments', async (kind, scale) => {
    const before = tf.memory().numTensors;
    const fused = await run(kind, true, 5, scale);
    const ref = await run(kind, false, 5, scale);
    expectClose(fused.w, ref.w, 1e-5);
    expectClose(fused.state.m, ref.state.m, 1e-5);
    expectClose(fused.state.v, ref.state.v, 1e-5);
    expect(fused.state.step).toBe(5);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('state keeps its format and a restored fused optimiser continues like the reference', async () => {
    const rng = new Rng(5);
    const init = rng.normalArray(6);
    const [a, b] = tf.tidy(() => [tf.variable(tf.tensor1d(init)), tf.variable(tf.tensor1d(init))]);
    const fused = new AdamW([a], { kind: 'adamw', weightDecay: 0.01 });
    const ref = new AdamW([b], { kind: 'adamw', weightDecay: 0.01, fused: false });
    const g1 = tf.tensor1d(rng.normalArray(6));
    fused.apply([g1], 0.1);
    ref.apply([g1], 0.1);
    const state = await fused.getState();
    expect(Object.keys(state).sort()).toEqual(['kind', 'm', 'step', 'v']);
    expect(state.m[0]).toBeInstanceOf(Float32Array);
    ref.setState(state); // fused state is readable by the reference and vice versa
    fused.setState(await ref.getState());
    const g2 = tf.tensor1d(rng.normalArray(6));
    fused.apply([g2], 0.1);
    ref.apply([g2], 0.1);
    expectClose([Float32Array.from(a.dataSync())], [Float32Array.from(b.dataSync())], 1e-6);
    tf.dispose([a, b, g1, g2]);
    fused.dispose();
    ref.dispose();
  });

  it('global norm and clip factor equal the tf reduction', async () => {
    const rng = new Rng(3);
    const grads = SHAPES.map((s) => tf.tensor(rng.normalArray(s.reduce((x, y) => x * y, 1)), s));
    const ref = tf.tidy(() => Math.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))).dataSync()[0]));
    expect(sumOfSquares(grads)).toBeCloseTo(ref * ref, 3);
    expect(await globalNorm(grads)).toBeCloseTo(ref, 4);
    const f = await clipFactor(grads, ref / 2);
    expect(f.clipped).toBe(true);
    expect(f.scale).toBeCloseTo(0.5, 5);
    expect(await clipFactor(grads, 0)).toEqual({ norm: f.norm, clipped: false, scale: 1 });
    const c = await clipByGlobalNorm(grads, ref / 2);
    expect(c.scale).toBe(f.scale);
    expect(await globalNorm(c.grads)).toBeCloseTo(ref / 2, 4);
    tf.dispose([...grads, ...c.grads]);
  });
});

describe('wasm SIMD kernels', () => {
  it('the emitted module compiles and its loops match scalar arithmetic', () => {
    expect(simdModuleBytes().length).toBeLessThan(1024);
    const memory = new wasmApi!.Memory({ initial: 1 });
    const k = simdKernels(memory)!;
    expect(k).not.toBeNull();
    const f = new Float32Array(memory.buffer);
    const n = 8;
    const rng = new Rng(9);
    f.set(rng.normalArray(4 * n)); // w, g, m, v at 0, 32, 64, 96 bytes
    f.subarray(3 * n, 4 * n).forEach((x, i, a) => (a[i] = Math.abs(x)));
    k.adamw(0, 4 * n, 8 * n, 12 * n, 16 * n, 20 * n, 24 * n, n, 0.9, 0.1, 0.999, 0.001, 1e-8, 0.99, 2, 0.5, 0.01, 3);
    for (let i = 0; i < n; i++) {
      const g = f[n + i] * 2 + 0.5 * f[i];
      const m = 0.9 * f[2 * n + i] + 0.1 * g;
      const v = 0.999 * f[3 * n + i] + 0.001 * g * g;
      expect(f[5 * n + i]).toBeCloseTo(m, 5);
      expect(f[6 * n + i]).toBeCloseTo(v, 5);
      expect(f[4 * n + i]).toBeCloseTo(f[i] * 0.99 - (0.01 * m) / (Math.sqrt(v) * 3 + 1e-8), 5);
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += f[i] * f[i];
    expect(k.sumsq(0, n)).toBeCloseTo(s, 5);
  });
});
