/**
 * The stability guard: what the training loop does instead of dying when a step goes bad.
 *
 *   NaN/Inf loss or gradient → restore weights + optimiser moments of the last stable point
 *     (kept in memory), halve the LR scale, continue with the next batch. The step counter,
 *     schedule and data stream keep going forward, so recorded metrics stay append-only.
 *     More than task.max_recoveries rollbacks without a stable checkpoint in between ⇒ stop.
 *   ‖g‖ > task.grad_explosion_factor × running median → clip to that bound, halve the LR scale.
 *   Out of memory (backend error or RSS above trainer.memory_budget_mb) → halve the micro-batch,
 *     double accumulation (same effective batch), retry the step; below task.min_batch_size ⇒ stop.
 *   A batch with non-finite values or the wrong size → skipped and counted.
 *
 * Every action leaves as a `recovery` event (kind, details, outcome) through `emit`.
 */
import * as tf from '@tensorflow/tfjs';
import type { RecoveryEvent } from '../protocol/index.js';
import type { CheckpointPart, GuardState } from './run-state.js';
import { readCopies } from '../backend/device-read.js';
import { InjectedOutOfMemory } from '../faults.js';
import { DivergenceError } from '../objective/divergence-error.js';
import type { AdamState, AdamW } from './adamw.js';
import type { Batch } from './batches.js';
import { rssMb, stamp, type Emit } from './events.js';

export interface GuardOptions {
  maxRecoveries: number;
  /** 0 disables explosion detection. */
  gradExplosionFactor: number;
  minBatchSize: number;
  memoryBudgetMb: number | null;
  batchSize: number;
  accumulate: number;
}

/** Finite gradient norms the explosion test compares against (recent window). */
const NORM_WINDOW = 50;
/** Norms needed before the median is trusted. */
const NORM_WARMUP = 10;

export class StabilityGuard {
  lrScale = 1;
  batchSize: number;
  accumulate: number;
  /** Batches skipped as invalid over the run. */
  skippedBatches = 0;
  private norms: number[] = [];
  private pendingAttempts = 0;
  private rssAtHalving: number | null = null;
  private snapshot: { step: number; weights: Float32Array[]; optimizer: AdamState; parts: { name: string; saved: Awaited<ReturnType<CheckpointPart['save']>> }[] } | null = null;
  /**
   * State owned elsewhere (EMA shadow, balancing, early stopping: the checkpoint's parts),
   * snapshotted and restored with the weights, so a rollback retries from one consistent
   * state (before, the EMA kept averaging steps the rollback had discarded).
   */
  parts: readonly CheckpointPart[] = [];

  constructor(
    private readonly opts: GuardOptions,
    private readonly runId: string,
    private readonly emit: Emit,
    /** Every trainable variable, in the optimiser's order (model, head, balancing). */
    private readonly variables: tf.Variable[],
    private readonly optimizer: AdamW,
  ) {
    this.batchSize = opts.batchSize;
    this.accumulate = opts.accumulate;
  }

  /** The current weights and moments become the rollback target (call after a stable checkpoint). */
  async markStable(step: number): Promise<void> {
    const weights = await readCopies(this.variables);
    const optimizer = await this.optimizer.getState();
    const parts = [];
    // structuredClone: a part's save() may hand out live objects its owner keeps mutating.
    for (const p of this.parts) parts.push({ name: p.name, saved: structuredClone(await p.save()) });
    this.snapshot = { step, weights, optimizer, parts };
    this.pendingAttempts = 0;
  }

  /** A non-finite loss or gradient at `step`: roll back and halve the LR, or throw after K tries. */
  nonFinite(step: number, what: Record<string, unknown>): void {
    this.pendingAttempts++;
    const from = this.snapshot?.step ?? 0;
    const details = { ...what, rollback_to_step: from, attempt: this.pendingAttempts, max_recoveries: this.opts.maxRecoveries };
    if (this.pendingAttempts > this.opts.maxRecoveries || !this.snapshot) {
      const reason = !this.snapshot
        ? 'no stable state to roll back to'
        : `${this.opts.maxRecoveries} rollbacks since the last stable point (step ${from}) did not help`;
      this.event(step, 'rollback', details, `failed: ${reason}`);
      throw new DivergenceError(
        `training diverged: ${describe(what)} at step ${step}; ${reason} (LR scale now ${this.lrScale}); ` +
          'lower task.lr, set task.gradient_clipping > 0 or raise task.max_recoveries',
      );
    }
    const snap = this.snapshot;
    tf.tidy(() => this.variables.forEach((v, i) => v.assign(tf.tensor(snap.weights[i], v.shape))));
    this.optimizer.setState(snap.optimizer);
    for (const { name, saved } of snap.parts) {
      const part = this.parts.find((p) => p.name === name);
      part?.load(structuredClone(saved.state), new Map((saved.arrays ?? []).map((a) => [a.name, { ...a, data: a.data.slice() }])));
    }
    const restored = snap.parts.length ? ` and ${snap.parts.map((p) => p.name).join(', ')}` : '';
    this.event(step, 'rollback', details, `restored the weights and optimiser${restored} of step ${from}`);
    this.reduceLr(step, `non-finite ${Object.keys(what).join('/')}`);
  }

  /**
   * Looks at the pre-clip global norm of step `step`. Returns a clip bound when the norm
   * exploded (the caller re-clips to it), else null. Non-finite norms are the caller's
   * nonFinite() case and are never passed here.
   */
  gradients(step: number, norm: number): number | null {
    const f = this.opts.gradExplosionFactor;
    if (f > 0 && this.norms.length >= NORM_WARMUP) {
      const median = medianOf(this.norms);
      const limit = f * median;
      if (norm > limit) {
        this.event(step, 'grad_explosion', { grad_norm: norm, running_median: median, factor: f, clip_to: limit }, `clipped to ${limit.toPrecision(4)}`);
        this.reduceLr(step, 'gradient explosion');
        return limit;
      }
    }
    this.norms.push(norm);
    if (this.norms.length > NORM_WINDOW) this.norms.shift();
    return null;
  }

  /** The backend ran out of memory in `step`: halve the batch (the caller retries the step). */
  outOfMemory(step: number, err: unknown): void {
    this.halveBatch(step, 'backend out of memory', { error: err instanceof Error ? err.message : String(err) });
  }

  /** After a step: above trainer.memory_budget_mb (and grown 10% since the last cut) → halve. */
  memory(step: number): void {
    const budget = this.opts.memoryBudgetMb;
    if (budget === null) return;
    const rss = rssMb();
    // The wasm heap never shrinks, so once above budget only further growth is a new signal.
    if (rss <= budget || (this.rssAtHalving !== null && rss < this.rssAtHalving * 1.1)) return;
    this.rssAtHalving = rss;
    this.halveBatch(step, 'memory budget exceeded', { rss_mb: rss, memory_budget_mb: budget });
  }

  /** Whether `batch` may be trained on; an invalid one is counted and reported. */
  admit(step: number, batch: Batch, rowLength: number): boolean {
    let why: string | null = null;
    if (batch.x.length !== batch.n * rowLength) why = `holds ${batch.x.length} values for ${batch.n}×${rowLength}`;
    else {
      for (let i = 0; i < batch.x.length; i++) {
        if (!Number.isFinite(batch.x[i])) {
          why = `value ${i} is ${batch.x[i]}`;
          break;
        }
      }
    }
    if (why === null) return true;
    this.skippedBatches++;
    this.event(step, 'skip_batch', { reason: why, windows: batch.n, skipped_batches: this.skippedBatches }, 'batch skipped');
    return false;
  }

  getState(): GuardState {
    return {
      lr_scale: this.lrScale, batch_size: this.batchSize, accumulate: this.accumulate,
      pending_attempts: this.pendingAttempts, norms: [...this.norms], rss_at_halving: this.rssAtHalving,
      skipped_batches: this.skippedBatches,
    };
  }

  setState(s: GuardState): void {
    this.lrScale = s.lr_scale;
    this.batchSize = s.batch_size;
    this.accumulate = s.accumulate;
    this.pendingAttempts = s.pending_attempts;
    this.norms = [...s.norms];
    this.rssAtHalving = s.rss_at_halving;
    this.skippedBatches = s.skipped_batches;
  }

  private halveBatch(step: number, why: string, extra: Record<string, unknown>): void {
    const next = Math.floor(this.batchSize / 2);
    const details = { ...extra, reason: why, batch_size: this.batchSize, accumulate: this.accumulate, min_batch_size: this.opts.minBatchSize };
    if (next < this.opts.minBatchSize || next < 1) {
      this.event(step, 'oom_batch_halving', details, `failed: batch ${next} would be below task.min_batch_size ${this.opts.minBatchSize}`);
      throw new Error(
        `${why} at step ${step} with batch ${this.batchSize} × ${this.accumulate} accumulation; halving gives ${next}, ` +
          `below task.min_batch_size = ${this.opts.minBatchSize}; lower data.window_length or model.hidden_dim, or raise trainer.memory_budget_mb`,
      );
    }
    this.batchSize = next;
    this.accumulate *= 2;
    this.event(step, 'oom_batch_halving', details, `batch ${next} × ${this.accumulate} accumulation (effective ${next * this.accumulate})`);
  }

  private reduceLr(step: number, why: string): void {
    const before = this.lrScale;
    this.lrScale = before / 2;
    this.event(step, 'lr_reduction', { reason: why, lr_scale_before: before, lr_scale: this.lrScale }, `learning rate ×${this.lrScale}`);
  }

  private event(step: number, kind: string, details: Record<string, unknown>, outcome: string): void {
    const payload: Omit<RecoveryEvent, 'run_id' | 'step' | 'time'> = { event: 'recovery', kind, details, outcome };
    this.emit(stamp(this.runId, step, payload));
  }
}

/**
 * Backend allocation failures look different per backend; this recognises the usual ones.
 * The wasm backend's heap cannot grow past 4 GiB: a tensor beyond it surfaces as a
 * RuntimeError "memory access out of bounds", which is out of memory too.
 */
export function isOutOfMemory(err: unknown): boolean {
  if (err instanceof InjectedOutOfMemory) return true;
  const msg = err instanceof Error ? `${err.name} ${err.message}` : String(err);
  return /out of memory|\bOOM\b|failed to allocate|cannot allocate|allocation failed|WebAssembly\.Memory|Array buffer allocation|memory access out of bounds/i.test(msg);
}

function medianOf(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function describe(what: Record<string, unknown>): string {
  return Object.entries(what).map(([k, v]) => `${k} = ${v}`).join(', ');
}
