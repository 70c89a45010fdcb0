/**
 * The reliability side of one training run, wired in one place so the loop needs a line
 * per hook: injected faults (faults.ts), the stability guard, the checkpointer, and the
 * resume point. loop.ts calls:
 *   startReliability(...)      after the model, optimiser and RNG exist (restores a resume)
 *   takeCursor()               the resumed run's cursor and epoch order, once
 *   admit(step, micro, batch)  the bad-batch fault and the batch check
 *   step(step, fn)             the objective with nan/oom/inf-grad/explosion faults, OOM
 *                              handling and DivergenceError → rollback
 *   clip(step, grads, max)     clipping with NaN/Inf and explosion checks
 *   afterStep(step)            crash fault and the memory budget
 *   checkpoints.write(...)     verified checkpoints with pruning and the stable verdict
 */
import * as tf from '@tensorflow/tfjs';
import type { PreparedData } from '../../data/index.js';
import { applyResume, openResumeCheckpoint, type ResumedState } from '../checkpoint/resume-point.js';
import type { CheckpointPart, TrainCursor } from './run-state.js';
import { RunCheckpointer } from '../checkpoint/run-checkpointer.js';
import { FaultPlan, InjectedOutOfMemory, parseFaults } from '../faults.js';
import type { FlowModel } from '../flow/flow-model.js';
import { DivergenceError } from '../objective/divergence-error.js';
import type { TrainRequest } from '../protocol/index.js';
import type { Rng } from '../../data/rng.js';
import type { AdamW } from './adamw.js';
import type { Batch } from './batches.js';
import { clipByGlobalNorm, type ClipResult } from './clipping.js';
import type { Emit } from './events.js';
import { StabilityGuard, isOutOfMemory } from './stability-guard.js';

export interface ReliabilityDeps {
  req: TrainRequest;
  emit: Emit;
  model: FlowModel;
  /** The optimiser's variables in its order (JointObjective.variables()). */
  variables: tf.Variable[];
  optimizer: AdamW;
  /** State owned by other modules (objective balancing, early stopping, EMA) to checkpoint. */
  parts?: CheckpointPart[];
  rng: Rng;
  data: PreparedData;
  totalSteps: number;
  /** Overrides FLOWBENCH_FAULTS (tests). */
  faults?: FaultPlan;
}

export class RunReliability {
  readonly guard: StabilityGuard;
  readonly checkpoints: RunCheckpointer;
  readonly faults: FaultPlan;
  resumed: ResumedState | null = null;
  private cursorTaken = false;

  constructor(private readonly d: ReliabilityDeps) {
    const { task, trainer } = d.req.spec;
    this.faults = d.faults ?? parseFaults(process.env.FLOWBENCH_FAULTS);
    this.guard = new StabilityGuard({
      maxRecoveries: task.max_recoveries,
      gradExplosionFactor: task.grad_explosion_factor,
      minBatchSize: task.min_batch_size,
      memoryBudgetMb: trainer.memory_budget_mb,
      batchSize: task.batch_size,
      accumulate: task.accumulate_grad_batches,
    }, d.req.run_id, d.emit, d.variables, d.optimizer);
    this.checkpoints = new RunCheckpointer({
      req: d.req, emit: d.emit, model: d.model, variables: d.variables, optimizer: d.optimizer, rng: d.rng, guard: this.guard,
      faults: this.faults, data: d.data, length: d.data.train.length, channels: d.data.train.channels,
      totalSteps: d.totalSteps,
    });
  }

  /** The resumed run's cursor and its epoch's shuffle order (null: not a resume, or already taken). */
  takeCursor(): { cursor: TrainCursor; order: Int32Array | null } | null {
    if (!this.resumed || this.cursorTaken) return null;
    this.cursorTaken = true;
    return { cursor: this.resumed.cursor, order: this.resumed.order };
  }

  /** Whether micro-batch `micro` of `step` may be trained on (bad-batch fault applied first). */
  admit(step: number, micro: number, batch: Batch): boolean {
    if (micro === 0 && this.faults.fire('bad-batch', step)) batch.x.fill(Number.NaN);
    return this.guard.admit(step, batch, this.d.data.train.length * this.d.data.train.channels);
  }

  /**
   * One optimiser step's objective for `step`, with injected faults applied. Returns
   * 'oom' after the guard halved the batch (the caller rewinds the cursor and retries the
   * step), null after a non-finite loss rolled the weights back (the caller skips it).
   */
  async step<R extends { grads: tf.Tensor[] }>(step: number, fn: () => R | Promise<R>): Promise<R | 'oom' | null> {
    let out: R;
    try {
      if (this.faults.fire('oom', step)) throw new InjectedOutOfMemory(step);
      out = await fn();
    } catch (err) {
      if (isOutOfMemory(err)) {
        this.guard.outOfMemory(step, err);
        return 'oom';
      }
      // The objective refuses a non-finite loss (objective/joint-objective.ts).
      if (err instanceof DivergenceError) {
        this.guard.nonFinite(step, { loss: err.message });
        return null;
      }
      throw err;
    }
    if (this.faults.fire('nan', step)) {
      tf.dispose(out.grads);
      this.guard.nonFinite(step, { flow_loss: Number.NaN, injected: true });
      return null;
    }
    const scale = this.faults.fire('inf-grad', step) ? Infinity : this.faults.fire('grad-explosion', step) ? 1e4 : 1;
    if (scale !== 1) {
      const prev = out.grads;
      out.grads = prev.map((g) => tf.mul(g, scale));
      tf.dispose(prev);
    }
    return out;
  }

  /**
   * Clips the averaged gradients of `step`. A non-finite norm rolls back (returns null: skip
   * the update); an exploded one is clipped to the guard's bound instead of `maxNorm`.
   */
  async clip(step: number, grads: tf.Tensor[], maxNorm: number): Promise<ClipResult | null> {
    const clip = await clipByGlobalNorm(grads, maxNorm);
    if (!Number.isFinite(clip.norm)) {
      tf.dispose(clip.grads);
      this.guard.nonFinite(step, { grad_norm: clip.norm });
      return null;
    }
    const limit = this.guard.gradients(step, clip.norm);
    if (limit === null) return clip;
    tf.dispose(clip.grads);
    const bound = maxNorm > 0 ? Math.min(maxNorm, limit) : limit;
    return clipByGlobalNorm(grads, bound);
  }

  /** After optimiser step `step` (and its step event): crash fault, memory budget. */
  afterStep(step: number): void {
    if (this.faults.fire('crash', step)) process.kill(process.pid, 'SIGKILL');
    this.guard.memory(step);
  }
}

/** A checkpoint part for any object with getState/setState (objective balancing, early stopping). */
export function statePart(name: string, owner: { getState(): unknown; setState(state: never): void } | null): CheckpointPart[] {
  if (!owner) return [];
  return [{ name, save: async () => ({ state: owner.getState() }), load: (state) => owner.setState(state as never) }];
}

/** Builds the run's reliability side; for a resume, restores the chosen checkpoint. */
export async function startReliability(d: ReliabilityDeps): Promise<RunReliability> {
  const rel = new RunReliability(d);
  rel.checkpoints.parts.push(...(d.parts ?? []));
  rel.guard.parts = rel.checkpoints.parts; // rollbacks restore the same state a checkpoint keeps
  await rel.checkpoints.init();
  if (d.req.resume) {
    const ckpt = await openResumeCheckpoint(d.req, d.emit);
    rel.resumed = await applyResume(ckpt, {
      model: d.model, variables: d.variables, optimizer: d.optimizer, rng: d.rng, guard: rel.guard, checkpointer: rel.checkpoints,
      trainWindows: d.data.train.n, manifestHash: d.data.manifestHash,
    }, d.emit, d.req.run_id);
  } else {
    await rel.guard.markStable(0);
  }
  return rel;
}
