/**
 * Sinusoidal token positions (Vaswani et al. 2017), defined for any number of tokens, so a
 * patch Transformer works for every window length the config gives.
 */

/**
 * PE[n, 2i] = sin(n / 10000^(2i/d)),  PE[n, 2i+1] = cos(n / 10000^(2i/d)).
 * → Float32Array [tokens, dim] row-major (an odd dim ends with a sine column).
 */
export function sinusoidalPositions(tokens: number, dim: number): Float32Array {
  if (!Number.isInteger(tokens) || tokens < 1) throw new Error(`sinusoidalPositions: tokens must be a positive integer, got ${tokens}`);
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`sinusoidalPositions: dim must be a positive integer, got ${dim}`);
  const pe = new Float32Array(tokens * dim);
  for (let n = 0; n < tokens; n++) {
    for (let j = 0; j < dim; j++) {
      const i2 = j - (j % 2);
      const angle = n / Math.pow(10000, i2 / dim);
      pe[n * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return pe;
}
