/**
 * Cutting recordings into fixed-length windows. A window set is laid out
 * [n, length, channels] row-major: sample t of channel c of window i is x[(i·length + t)·channels + c]
 * (channels interleave, as PHM-Vibench flattens (B, L, C) to (B, L·C)).
 */

/**
 * Starts of the windows lying wholly inside [from, to): from, from + stride, … while
 * start + length ≤ to. A window never crosses `to`, which is what keeps split stretches apart.
 */
export function windowStarts(from: number, to: number, length: number, stride: number): number[] {
  if (!(length > 0) || !(stride > 0)) throw new RangeError(`windowStarts: length and stride must be > 0 (got ${length}, ${stride})`);
  const starts: number[] = [];
  for (let s = Math.max(0, from); s + length <= to; s += stride) starts.push(s);
  return starts;
}

/**
 * At most `max` items, evenly spaced over the list (first and last kept), in order.
 * null or max ≥ items.length returns the list unchanged.
 */
export function evenlySpaced<T>(items: readonly T[], max: number | null): T[] {
  if (max === null || items.length <= max) return items.slice();
  if (max <= 0) return [];
  if (max === 1) return [items[Math.floor((items.length - 1) / 2)]];
  const out: T[] = [];
  const step = (items.length - 1) / (max - 1);
  for (let k = 0; k < max; k++) out.push(items[Math.round(k * step)]);
  return out;
}

/**
 * Copies windows out of a recording.
 * channels: C arrays of the same length L; starts: [n] window starts.
 * Returns x [n, length, C] row-major.
 */
export function extractWindows(channels: readonly Float32Array[], starts: readonly number[], length: number): Float32Array {
  const c = channels.length;
  const x = new Float32Array(starts.length * length * c);
  for (let i = 0; i < starts.length; i++) {
    const s = starts[i];
    const base = i * length * c;
    if (c === 1) {
      x.set(channels[0].subarray(s, s + length), base);
      continue;
    }
    for (let ch = 0; ch < c; ch++) {
      const src = channels[ch];
      for (let t = 0; t < length; t++) x[base + t * c + ch] = src[s + t];
    }
  }
  return x;
}
