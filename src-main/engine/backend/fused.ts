/**
 * Fused optimiser kernels for the backends whose tensors live in JS-visible memory (wasm:
 * the module's heap; cpu: typed arrays). One AdamW kernel call per variable reads w, g, m, v
 * once and writes w′, m′, v′ once, instead of ~14 tfjs ops (each a full pass and a dispatch),
 * and the global gradient norm is one JS pass over the gradients instead of 2 ops per
 * variable. Other backends (tfjs-node) get `false`/`null` and the callers use plain ops.
 */
import * as tf from '@tensorflow/tfjs';
import { simdKernels, wasmApi, type SimdKernels, type WasmMemory } from './simd-kernels.js';

export const FUSED_ADAMW = 'FlowbenchFusedAdamW';

/** Scalars of one AdamW update (see adamw.ts for the equations). */
export interface FusedAdamWAttrs {
  beta1: number;
  beta2: number;
  eps: number;
  /** w ← w·decay before the step (AdamW: 1 − lr·λ; Adam: 1). */
  decay: number;
  /** g ← g·gradScale + l2·w (clip factor; Adam's L2 term, 0 for AdamW). */
  gradScale: number;
  l2: number;
  /** lr / (1 − β1ᵗ) */
  stepSize: number;
  /** √(1 − β2ᵗ) */
  sqrtBc2: number;
}

const BACKENDS = ['wasm', 'cpu'] as const;

interface DataRef {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}
interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): DataRef;
  typedArrayFromHeap(t: DataRef): Float32Array;
  dataIdMap: { get(id: object): { memoryOffset: number } };
  /** The heap: exported by the single-threaded build, imported (shared) by the threaded one. */
  wasm: { asm?: { memory?: WasmMemory }; wasmMemory?: WasmMemory };
}

/** The SIMD loops bound to the wasm backend's heap, or null (no SIMD, or not wasm). */
function wasmSimd(be: WasmLike): SimdKernels | null {
  const memory = be.wasm.asm?.memory ?? be.wasm.wasmMemory;
  return wasmApi && memory instanceof wasmApi.Memory ? simdKernels(memory) : null;
}

const offsetOf = (be: WasmLike, t: DataRef): number => be.dataIdMap.get(t.dataId).memoryOffset;
interface CpuLike {
  data: { get(id: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): DataRef;
}

/** A read-only Float32Array over a float32 tensor's storage, or null on other backends. */
export function storageView(t: DataRef, backendName = tf.getBackend()): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const backend = tf.backend() as unknown;
  if (backendName === 'wasm') return (backend as WasmLike).typedArrayFromHeap(t);
  if (backendName === 'cpu') return (backend as CpuLike).data.get(t.dataId).values;
  return null;
}

/** The element loop shared by both backends; outputs may not alias inputs. */
function adamwLoop(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array,
  ow: Float32Array, om: Float32Array, ov: Float32Array, a: FusedAdamWAttrs): void {
  const { beta1: b1, beta2: b2, eps, decay, gradScale, l2, stepSize, sqrtBc2 } = a;
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    const gi = g[i] * gradScale + l2 * wi;
    const mi = b1 * m[i] + c1 * gi;
    const vi = b2 * v[i] + c2 * gi * gi;
    om[i] = mi;
    ov[i] = vi;
    ow[i] = wi * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  for (const backendName of BACKENDS) {
    tf.registerKernel({
      kernelName: FUSED_ADAMW,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { w, g, m, v } = inputs as Record<'w' | 'g' | 'm' | 'v', DataRef>;
        const a = attrs as unknown as FusedAdamWAttrs;
        if (backendName === 'wasm') {
          const be = backend as unknown as WasmLike;
          // Allocate first: a heap growth detaches views taken before it.
          const outs = [be.makeOutput(w.shape, 'float32'), be.makeOutput(w.shape, 'float32'), be.makeOutput(w.shape, 'float32')];
          const [ow, om, ov] = outs.map((o) => be.typedArrayFromHeap(o));
          const [wv, gv, mv, vv] = [w, g, m, v].map((t) => be.typedArrayFromHeap(t));
          const k = wasmSimd(be);
          // SIMD over the multiple-of-4 head, the JS loop over the (< 4) tail.
          const head = k ? wv.length & ~3 : 0;
          if (k && head > 0) {
            const [pw, pg, pm, pv, pow, pom, pov] = [w, g, m, v, ...outs].map((t) => offsetOf(be, t));
            k.adamw(pw, pg, pm, pv, pow, pom, pov, head, a.beta1, 1 - a.beta1, a.beta2, 1 - a.beta2, a.eps, a.decay,
              a.gradScale, a.l2, a.stepSize, 1 / a.sqrtBc2);
          }
          const tail = (x: Float32Array): Float32Array => x.subarray(head);
          adamwLoop(tail(wv), tail(gv), tail(mv), tail(vv), tail(ow), tail(om), tail(ov), a);
          return outs as unknown as tf.TensorInfo[];
        }
        const be = backend as unknown as CpuLike;
        const n = tf.util.sizeFromShape(w.shape);
        const [ow, om, ov] = [new Float32Array(n), new Float32Array(n), new Float32Array(n)];
        const [wv, gv, mv, vv] = [w, g, m, v].map((t) => be.data.get(t.dataId).values);
        adamwLoop(wv, gv, mv, vv, ow, om, ov, a);
        return [be.makeTensorInfo(w.shape, 'float32', ow), be.makeTensorInfo(w.shape, 'float32', om),
          be.makeTensorInfo(w.shape, 'float32', ov)] as unknown as tf.TensorInfo[];
      },
    });
  }
}

/** True when the active backend runs the fused kernels (registers them on first use). */
export function fusedAvailable(): boolean {
  const name = tf.getBackend();
  if (!(BACKENDS as readonly string[]).includes(name)) return false;
  register();
  return true;
}

/**
 * One fused AdamW update: returns [w′, m′, v′] as new tensors (the caller assigns and
 * disposes them). All four inputs are float32 of the same shape.
 */
export function fusedAdamW(w: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, attrs: FusedAdamWAttrs): tf.Tensor[] {
  if (g.dtype !== 'float32' || !tf.util.arraysEqual(g.shape, w.shape)) {
    throw new Error(`fusedAdamW: gradient ${g.dtype} [${g.shape}] does not match variable float32 [${w.shape}]`);
  }
  return tf.engine().runKernel(FUSED_ADAMW, { w, g, m, v }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
}

/** Σ over all tensors of Σ x², accumulated in float64; null when the backend is not fused. */
export function sumOfSquares(tensors: readonly tf.Tensor[]): number | null {
  if (!fusedAvailable()) return null;
  const be = tf.backend() as unknown as WasmLike;
  const k = tf.getBackend() === 'wasm' ? wasmSimd(be) : null;
  let total = 0;
  for (const t of tensors) {
    const view = storageView(t);
    if (!view) return null;
    const head = k ? view.length & ~3 : 0;
    if (k && head > 0) total += k.sumsq(offsetOf(be, t), head);
    let s = 0;
    for (let i = head; i < view.length; i++) s += view[i] * view[i];
    total += s;
  }
  return total;
}

let identityShared = false;

/**
 * tfjs clones every tensor a gradient saves (customGrad's save, variableGrads, tf.clone)
 * through the Identity kernel, which on wasm copies the data: ~140 copies per MLP step, two
 * of them of 1 MB weights. Tensor data is immutable, so Identity can share it by reference
 * count exactly as wasm's own Reshape does. Idempotent; a no-op off wasm.
 */
export function shareIdentityOnWasm(): void {
  if (identityShared || tf.getBackend() !== 'wasm') return;
  identityShared = true;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as DataRef;
      (backend as unknown as { incRef(id: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as unknown as tf.TensorInfo;
    },
  });
}
