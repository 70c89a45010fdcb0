/**
 * Two WebAssembly SIMD loops that run directly on the tfjs wasm backend's heap: the fused
 * AdamW element update and Σx². A JS loop does ~5 ns per AdamW element here (scalar f64
 * sqrt and divide); f32x4 lanes do four at a time. The module is a few hundred bytes,
 * emitted below (no toolchain), and imports the backend's own WebAssembly.Memory, so
 * pointers are the tensors' heap offsets and nothing is copied.
 *
 * Numerics are float32 as in the tfjs op reference (train/adamw.ts), with √v·(1/√(1−β2ᵗ))
 * instead of √v/√(1−β2ᵗ) — equal to float tolerance.
 */

export interface SimdKernels {
  /**
   * w,g,m,v → ow,om,ov (heap byte offsets, 16-byte steps), n elements (a multiple of 4):
   *   g′ = g·gs + l2·w;  m′ = β1·m + c1·g′;  v′ = β2·v + c2·g′²;
   *   w′ = w·decay − (step·m′) / (√v′·invSqrtBc2 + ε)
   */
  adamw(w: number, g: number, m: number, v: number, ow: number, om: number, ov: number, n: number,
    b1: number, c1: number, b2: number, c2: number, eps: number, decay: number, gs: number, l2: number,
    step: number, invSqrtBc2: number): void;
  /** Σ x² over n float32 at heap offset p (n a multiple of 4), squares in f32, sum in f64. */
  sumsq(p: number, n: number): number;
}

// ---- a minimal binary emitter
const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
const sleb = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(b & 0x40)) || (n === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};
const str = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

const I32 = 0x7f;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;
const get = (i: number): number[] => [0x20, ...uleb(i)];
const set = (i: number): number[] => [0x21, ...uleb(i)];
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const load = (): number[] => [...simd(0x00), 2, 0]; // v128.load align=4 offset=0
const store = (): number[] => [...simd(0x0b), 2, 0];
const F32X4_SPLAT = 0x13;
const F64X2_SPLAT = 0x14;
const F64X2_EXTRACT = 0x21;
const F32X4_SQRT = 0xe3;
const F32X4_ADD = 0xe4;
const F32X4_SUB = 0xe5;
const F32X4_MUL = 0xe6;
const F32X4_DIV = 0xe7;
const F64X2_ADD = 0xf0;
const F64X2_PROMOTE_LOW = 0x5f;
const I32_ADD = 0x6a;
const I32_SHL = 0x74;
const I32_GE_U = 0x4f;

/** Loop skeleton: for (i = 0; i < end; i += 16) body, with i and end as locals. */
function loop16(i: number, end: number, body: number[]): number[] {
  return [
    0x02, 0x40, 0x03, 0x40,
    ...get(i), ...get(end), I32_GE_U, 0x0d, 1,
    ...body,
    ...get(i), 0x41, ...sleb(16), I32_ADD, ...set(i),
    0x0c, 0, 0x0b, 0x0b,
  ];
}

function adamwBody(): number[] {
  // params 0..7 i32 (w g m v ow om ov n), 8..17 f32 (b1 c1 b2 c2 eps decay gs l2 step isq)
  const [W, G, M, V, OW, OM, OV, N] = [0, 1, 2, 3, 4, 5, 6, 7];
  const i = 18;
  const end = 19;
  const splat0 = 20; // 10 v128 splats at 20..29
  const [wi, gi, mi, vi] = [30, 31, 32, 33];
  const S = (k: number): number => splat0 + k; // 0 b1, 1 c1, 2 b2, 3 c2, 4 eps, 5 decay, 6 gs, 7 l2, 8 step, 9 isq
  const at = (base: number): number[] => [...get(base), ...get(i), I32_ADD];
  const mul = simd(F32X4_MUL);
  const add = simd(F32X4_ADD);
  const code: number[] = [];
  for (let k = 0; k < 10; k++) code.push(...get(8 + k), ...simd(F32X4_SPLAT), ...set(S(k)));
  code.push(...get(N), 0x41, 2, I32_SHL, ...set(end));
  code.push(...loop16(i, end, [
    ...at(W), ...load(), ...set(wi),
    ...at(G), ...load(), ...get(S(6)), ...mul, ...get(S(7)), ...get(wi), ...mul, ...add, ...set(gi),
    ...at(M), ...load(), ...get(S(0)), ...mul, ...get(S(1)), ...get(gi), ...mul, ...add, ...set(mi),
    ...at(V), ...load(), ...get(S(2)), ...mul, ...get(S(3)), ...get(gi), ...mul, ...get(gi), ...mul, ...add, ...set(vi),
    ...at(OM), ...get(mi), ...store(),
    ...at(OV), ...get(vi), ...store(),
    ...at(OW),
    ...get(wi), ...get(S(5)), ...mul,
    ...get(S(8)), ...get(mi), ...mul,
    ...get(vi), ...simd(F32X4_SQRT), ...get(S(9)), ...mul, ...get(S(4)), ...add,
    ...simd(F32X4_DIV), ...simd(F32X4_SUB),
    ...store(),
  ]));
  const locals = vec([[...uleb(2), I32], [...uleb(14), V128]]);
  return [...locals, ...code, 0x0b];
}

function sumsqBody(): number[] {
  // params 0 p, 1 n; locals 2 i, 3 end (i32); 4 x, 5 acc0, 6 acc1 (v128)
  const [P, N, i, end, x, a0, a1] = [0, 1, 2, 3, 4, 5, 6];
  const zero = [0x44, 0, 0, 0, 0, 0, 0, 0, 0, ...simd(F64X2_SPLAT)];
  const hiToLo = [...simd(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]; // i8x16.shuffle
  const code = [
    ...zero, ...set(a0), ...zero, ...set(a1),
    ...get(N), 0x41, 2, I32_SHL, ...set(end),
    ...loop16(i, end, [
      ...get(P), ...get(i), I32_ADD, ...load(), ...set(x),
      ...get(x), ...get(x), ...simd(F32X4_MUL), ...set(x),
      ...get(a0), ...get(x), ...simd(F64X2_PROMOTE_LOW), ...simd(F64X2_ADD), ...set(a0),
      ...get(a1), ...get(x), ...get(x), ...hiToLo, ...simd(F64X2_PROMOTE_LOW), ...simd(F64X2_ADD), ...set(a1),
    ]),
    ...get(a0), ...get(a1), ...simd(F64X2_ADD), ...set(a0),
    ...get(a0), ...simd(F64X2_EXTRACT), 0, ...get(a0), ...simd(F64X2_EXTRACT), 1, 0xa0,
    0x0b,
  ];
  const locals = vec([[...uleb(2), I32], [...uleb(3), V128]]);
  return [...locals, ...code];
}

/**
 * The module's bytes; `shared` declares the memory import shared (the threaded wasm build's
 * heap is a shared memory, and an import must match it: flags 0x03 with a maximum of 4 GiB).
 */
export function simdModuleBytes(shared = false): Uint8Array {
  const memoryLimits = shared ? [0x03, 0x00, ...uleb(65536)] : [0x00, 0x00];
  const adamwType = [0x60, ...vec([...Array(8).fill([I32]), ...Array(10).fill([F32])]), ...vec([])];
  const sumsqType = [0x60, ...vec([[I32], [I32]]), ...vec([[F64]])];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([adamwType, sumsqType])),
    ...section(2, vec([[...str('env'), ...str('memory'), 0x02, ...memoryLimits]])),
    ...section(3, vec([[0], [1]])),
    ...section(7, vec([[...str('adamw'), 0x00, 0], [...str('sumsq'), 0x00, 1]])),
    ...section(10, vec([adamwBody(), sumsqBody()].map((b) => [...uleb(b.length), ...b]))),
  ];
  return Uint8Array.from(bytes);
}

/** The slice of the WebAssembly JS API used here (the node tsconfig has no DOM/wasm lib types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Memory: new (d: { initial: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: unknown };
}
/** The runtime's WebAssembly namespace, or null where there is none. */
export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly ?? null;

const instances = new WeakMap<WasmMemory, SimdKernels | null>();

/** The kernels bound to `memory`, or null when this runtime lacks wasm SIMD. */
export function simdKernels(memory: WasmMemory): SimdKernels | null {
  if (instances.has(memory)) return instances.get(memory) ?? null;
  let k: SimdKernels | null = null;
  try {
    if (!wasmApi) throw new Error('no WebAssembly');
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const mod = new wasmApi.Module(simdModuleBytes(shared));
    k = new wasmApi.Instance(mod, { env: { memory } }).exports as unknown as SimdKernels;
  } catch {
    k = null;
  }
  instances.set(memory, k);
  return k;
}
