/**
 * The one seeded PRNG (mulberry32) of Flowbench. Every random draw — data splits and
 * synthetic signals here, init, shuffles, t, ε, dropout and episodes in the engine — comes
 * from one of these, so the same seed gives the same result, and the state is plain JSON
 * so a checkpoint can resume the exact stream. It lives in data/ because the engine may
 * import data/, not the reverse. Not for cryptography.
 */

/** Serialisable generator state: the mulberry32 counter and the cached second normal. */
export interface RngState {
  a: number;
  spare: number | null;
}

/**
 * Seed mixers: the engine's streams and data preparation's streams start from different
 * constants, so the same seed gives them independent streams (and the streams runs and
 * tests were recorded with).
 */
const ENGINE_SEED_MIX = 0x6a09e667;
const DATA_SEED_MIX = 0x9e3779b9;

/**
 * A faster source of the same normal draws: writes `pairs` Box–Muller pairs (cos, sin) as
 * normal() would draw them from counter `a`, as float32(mean + std·z), into
 * out[offset .. offset + 2·pairs), and returns the counter after them. The native engine
 * installs one (native/src/normal_draws.h, equal to normal() float for float, checked by
 * tests/unit/engine/native/normal-draws.test.ts); results do not depend on whether it is there.
 */
export type NormalPairFiller = (a: number, out: Float32Array, offset: number, pairs: number, mean: number, std: number) => number;

let pairFiller: NormalPairFiller | null = null;
/** Below this many pairs a call costs more than it saves. */
const FILLER_MIN_PAIRS = 64;

/** Installs (or removes, with null) the filler normalArray uses for long stretches. */
export function setNormalPairFiller(filler: NormalPairFiller | null): void {
  pairFiller = filler;
}

export class Rng {
  private a: number;
  private spare: number | null = null;

  constructor(seed: number, seedMix: number = ENGINE_SEED_MIX) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    this.a = (Math.floor(seed) ^ seedMix) >>> 0;
  }

  /** Independent generator for a named sub-stream (e.g. 'val', 'init'), same seed ⇒ same stream. */
  static derive(seed: number, tag: string): Rng {
    return new Rng(deriveSeed(seed, tag));
  }

  getState(): RngState {
    return { a: this.a, spare: this.spare };
  }

  setState(state: RngState): void {
    if (!state || !Number.isInteger(state.a) || state.a < 0 || state.a > 0xffffffff) {
      throw new Error(`Rng.setState: state.a must be an unsigned 32-bit integer, got ${JSON.stringify(state)}`);
    }
    this.a = state.a;
    this.spare = typeof state.spare === 'number' ? state.spare : null;
  }

  /** Uniform in [0, 1) (mulberry32). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal N(0, 1) by Box–Muller, using both outputs. */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = this.next();
    while (u <= 1e-12) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** [n] uniform draws in [lo, hi). */
  uniformArray(n: number, lo = 0, hi = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.next();
    return out;
  }

  /** [n] normal draws N(mean, std²): a pending spare first, then whole pairs (by the filler when one is installed). */
  normalArray(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    let i = 0;
    if (this.spare !== null && n > 0) out[i++] = mean + std * this.normal();
    const pairs = (n - i) >> 1;
    if (pairFiller && pairs >= FILLER_MIN_PAIRS) {
      this.a = pairFiller(this.a, out, i, pairs, mean, std);
      i += 2 * pairs;
    }
    for (; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** A random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = p[i];
      p[i] = p[j];
      p[j] = tmp;
    }
    return p;
  }

  /** [n] Bernoulli keep-masks scaled for inverted dropout: 1/(1−p) with prob 1−p, else 0. */
  dropoutMask(n: number, p: number): Float32Array {
    const out = new Float32Array(n);
    const keep = 1 / (1 - p);
    for (let i = 0; i < n; i++) out[i] = this.next() < p ? 0 : keep;
    return out;
  }
}

/** A data-preparation stream (splits, synthetic signals). */
export function createRng(seed: number): Rng {
  return new Rng(seed, DATA_SEED_MIX);
}

/** Derives an independent seed for a sub-stream (e.g. one file) from a base seed and a tag. */
export function deriveSeed(seed: number, tag: string | number): number {
  let h = (seed >>> 0) ^ 0x811c9dc5;
  const s = String(tag);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return Math.imul(h ^ (h >>> 16), 0x45d9f3b) >>> 0;
}

/** Fisher–Yates shuffle in place. */
export function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
