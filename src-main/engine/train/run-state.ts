/**
 * The run's resumable state, declared once for the loop (train/) and the checkpoint code
 * (checkpoint/). What a checkpoint carries beyond weights and moments so a resumed run continues exactly:
 * the data cursor (epoch, position, the epoch's shuffle order), the schedule position,
 * the stability guard's settings, the stability tracker's history, and the state of any
 * registered part (EMA weights, loss balancing, …).
 */
import type { NamedArray } from '../checkpoint/format.js';
import type { StableTrackerState } from '../checkpoint/stability.js';

/** What a checkpoint keeps of the guard so a resumed run continues with the same settings. */
export interface GuardState {
  lr_scale: number;
  batch_size: number;
  accumulate: number;
  pending_attempts: number;
  norms: number[];
  rss_at_halving: number | null;
  skipped_batches: number;
}

/** Where the loop stands inside an epoch right after the checkpoint's step. */
export interface TrainCursor {
  epoch: number;
  /** Index (within the epoch) of the next step to run. */
  next_s: number;
  /** Index into the epoch's shuffle order of the next window to read. */
  cursor: number;
  /** Running sums of the epoch, so its epoch event comes out the same. */
  loss_sum: number;
  loss_count: number;
  /** Contrastive and total loss sums of the epoch (joint objective; absent in checkpoints written before it). */
  con_sum: number;
  total_sum: number;
  skipped_batches: number;
  skipped_windows: number;
  last_train: number | null;
  last_val: number | null;
  /** Whether blob "cursor/order" holds the epoch's shuffle order (false: start a fresh epoch). */
  has_order: boolean;
}

/** The cursor at the start of epoch `epoch`: nothing read yet, sums at zero. */
export function epochStartCursor(epoch: number, lastTrain: number | null, lastVal: number | null): TrainCursor {
  return {
    epoch, next_s: 0, cursor: 0, loss_sum: 0, loss_count: 0, con_sum: 0, total_sum: 0, skipped_batches: 0, skipped_windows: 0,
    last_train: lastTrain, last_val: lastVal, has_order: false,
  };
}

/** Moves `c` to the start of the next epoch, keeping the last losses. */
export function startNextEpoch(c: TrainCursor): void {
  Object.assign(c, epochStartCursor(c.epoch + 1, c.last_train, c.last_val));
}

export interface ResumeMeta {
  cursor: TrainCursor;
  schedule: { kind: string; step: number; total_steps: number; lr_scale: number };
  guard: GuardState;
  stability: StableTrackerState;
  /** JSON state of each registered CheckpointPart, by name. */
  parts: Record<string, unknown>;
  train_windows: number;
}

/** Blob name of the epoch's shuffle order (float32: exact for indices below 2^24). */
export const ORDER_BLOB = 'cursor/order';

/**
 * A piece of training state owned by another module (EMA weights, loss balancing) that
 * must survive a resume. Register it with the loop's checkpointer; arrays are stored as
 * blobs "part.<name>/<array name>".
 */
export interface CheckpointPart {
  name: string;
  /** Async: arrays may be read off the device (`await data()`, the one read webgpu has in Node). */
  save(): Promise<{ state: unknown; arrays?: NamedArray[] }>;
  /** `arrays` holds this part's blobs with the "part.<name>/" prefix removed. */
  load(state: unknown, arrays: Map<string, NamedArray>): void;
}
