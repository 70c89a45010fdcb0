/** Parameter initialisers drawing from the run's Rng (so init is reproducible from the seed). */
import type { Rng } from '../../data/rng.js';

/** Xavier/Glorot uniform for a [fanIn, fanOut] weight: U(−a, a), a = √(6 / (fanIn + fanOut)). */
export function xavierUniform(rng: Rng, fanIn: number, fanOut: number, size = fanIn * fanOut): Float32Array {
  const a = Math.sqrt(6 / (fanIn + fanOut));
  return rng.uniformArray(size, -a, a);
}

export function zeros(size: number): Float32Array {
  return new Float32Array(size);
}

export function ones(size: number): Float32Array {
  return new Float32Array(size).fill(1);
}
