/**
 * Batches from a WindowSet: gather rows by index and drop windows that fail validation
 * (NaN/Inf, amplitude, flat) so one bad recording cannot poison a step.
 */
import { validateWindows, type WindowSet } from '../../data/index.js';

/** One batch in the model's layout. x: [B, L·C] row-major (a window's channels interleave). */
export interface Batch {
  x: Float32Array;
  n: number;
  domain: Int32Array;
  dataset: Int32Array;
  /** [B] class index (into PreparedData.classNames) and sample rate (Hz, 0 = unknown); absent = unknown. */
  label?: Int32Array;
  fsHz?: Float32Array;
  /** Windows dropped from this batch by validation. */
  dropped: number;
}

/** Copies windows `indices` of `set` into a batch, keeping only those that validate. */
export function gatherBatch(set: WindowSet, indices: ArrayLike<number>, amplitudeLimit: number): Batch {
  const row = set.length * set.channels;
  const count = indices.length;
  const raw = new Float32Array(count * row);
  for (let i = 0; i < count; i++) raw.set(set.x.subarray(indices[i] * row, (indices[i] + 1) * row), i * row);
  const { valid } = validateWindows(raw, count, set.length, set.channels, amplitudeLimit);
  let kept = 0;
  for (let i = 0; i < count; i++) kept += valid[i];
  const x = kept === count ? raw : new Float32Array(kept * row);
  const domain = new Int32Array(kept);
  const dataset = new Int32Array(kept);
  const label = new Int32Array(kept);
  const fsHz = new Float32Array(kept);
  let j = 0;
  for (let i = 0; i < count; i++) {
    if (!valid[i]) continue;
    if (x !== raw) x.set(raw.subarray(i * row, (i + 1) * row), j * row);
    domain[j] = set.domain[indices[i]];
    dataset[j] = set.dataset[indices[i]];
    label[j] = set.label[indices[i]];
    fsHz[j] = set.fsHz[indices[i]];
    j++;
  }
  return { x, n: kept, domain, dataset, label, fsHz, dropped: count - kept };
}

/** Checks a WindowSet's arrays agree with its n/length/channels; `name` is the split. */
export function checkWindowSet(set: WindowSet, name: string): void {
  const expect = set.n * set.length * set.channels;
  if (set.x.length !== expect) {
    throw new Error(`data: ${name} windows hold ${set.x.length} values, expected n·length·channels = ${set.n}·${set.length}·${set.channels}`);
  }
  if (set.domain.length !== set.n || set.dataset.length !== set.n) {
    throw new Error(`data: ${name} domain/dataset ids have ${set.domain.length}/${set.dataset.length} entries for ${set.n} windows`);
  }
}
