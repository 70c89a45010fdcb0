/**
 * When the loop writes an interval checkpoint (crash safety by default): every
 * task.checkpoint_interval steps, every task.checkpoint_minutes of wall time, and at each epoch
 * end (task.checkpoint_every_epoch), skipping an epoch-end one right after an interval one.
 */
import type { TaskSpec } from '../../config/index.js';

export class CheckpointCadence {
  private lastStep: number;
  private lastClock = performance.now();
  private readonly everyMs: number;

  constructor(
    private readonly task: Pick<TaskSpec, 'checkpoint_interval' | 'checkpoint_minutes' | 'checkpoint_every_epoch'>,
    startStep: number,
  ) {
    this.lastStep = startStep;
    this.everyMs = task.checkpoint_minutes * 60_000;
  }

  /** After optimiser step `step` (the run's last step gets the final checkpoint instead). */
  dueAfterStep(step: number, totalSteps: number): boolean {
    if (step >= totalSteps) return false;
    const byStep = this.task.checkpoint_interval > 0 && step % this.task.checkpoint_interval === 0;
    const byTime = this.everyMs > 0 && performance.now() - this.lastClock >= this.everyMs;
    return byStep || byTime;
  }

  /** At an epoch end that more epochs follow. */
  dueAtEpochEnd(step: number): boolean {
    return this.task.checkpoint_every_epoch && step > this.lastStep;
  }

  wrote(step: number): void {
    this.lastStep = step;
    this.lastClock = performance.now();
  }
}
