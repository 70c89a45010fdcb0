/**
 * Writing a training run's checkpoints: everything resume needs in one verified file
 * (atomic-write.ts), the stable verdict, keep-N + best pruning after the write, and the
 * `checkpoint` event. The loop calls `write` at intervals and at the end.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { runSpecSchema, specHash, type RunSpec } from '../../config/index.js';
import { readCopies, readScalar } from '../backend/device-read.js';
import type { FaultPlan } from '../faults.js';
import type { FlowModel } from '../flow/flow-model.js';
import type { CheckpointEvent, TrainRequest } from '../protocol/index.js';
import type { Rng } from '../../data/rng.js';
import type { AdamW } from '../train/adamw.js';
import { stamp, type Emit } from '../train/events.js';
import type { StabilityGuard } from '../train/stability-guard.js';
import { checkpointProblem, readCheckpointHeader, saveCheckpoint } from './checkpoint.js';
import type { NamedArray } from './format.js';
import { ORDER_BLOB, type CheckpointPart, type TrainCursor } from '../train/run-state.js';
import { checkpointsToPrune, deleteCheckpoints, type KeptCheckpoint } from './retention.js';
import { StableTracker } from './stability.js';

export interface CheckpointerDeps {
  req: TrainRequest;
  emit: Emit;
  model: FlowModel;
  /** The optimiser's variables (model first, then head/balancing: stored as "var/#k"). */
  variables: tf.Variable[];
  optimizer: AdamW;
  rng: Rng;
  guard: StabilityGuard;
  faults: FaultPlan;
  data: { manifestHash: string; classNames: string[]; domainNames: string[]; datasetNames: string[]; train: { fsHz: Float32Array } };
  length: number;
  channels: number;
  totalSteps: number;
}

export class RunCheckpointer {
  /** Extra state that must survive a resume (EMA, loss balancing): push a part here. */
  readonly parts: CheckpointPart[] = [];
  readonly tracker: StableTracker;
  readonly dir: string;
  private kept: KeptCheckpoint[] = [];
  private readonly spec: RunSpec;

  constructor(private readonly d: CheckpointerDeps) {
    this.spec = d.req.spec;
    this.tracker = new StableTracker(this.spec.task.stable_factor);
    this.dir = join(d.req.run_dir, 'checkpoints');
  }

  /** Learns the checkpoints already in the folder (a resumed run prunes them too). */
  async init(): Promise<void> {
    for (const file of await listCheckpointFiles(this.dir)) {
      try {
        const h = await readCheckpointHeader(file);
        this.kept.push({ path: file, step: h.step, stable: h.stable === true, val: h.metrics?.val_flow_loss ?? null });
      } catch {
        // Unreadable files are never resume candidates; leave them for a person to look at.
      }
    }
  }

  async write(
    kind: CheckpointEvent['kind'],
    step: number,
    epoch: number,
    trainLoss: number | null,
    valLoss: number | null,
    cursor: TrainCursor,
    order: Int32Array | null,
  ): Promise<void> {
    const { req, model, optimizer, rng, guard, faults, data } = this.d;
    const verdict = this.tracker.judge(trainLoss, valLoss, await weightsFinite(this.d.variables));
    const extra: NamedArray[] = [];
    if (order && cursor.has_order) {
      if (order.length >= 2 ** 24) throw new Error(`checkpoint: ${order.length} training windows exceed the 2^24 a float32 order blob holds exactly`);
      extra.push({ name: ORDER_BLOB, shape: [order.length], data: Float32Array.from(order) });
    }
    const nModel = model.params.list().length;
    const beyondModel = this.d.variables.slice(nModel);
    (await readCopies(beyondModel)).forEach((data, k) => extra.push({ name: `var/#${nModel + k}`, shape: beyondModel[k].shape, data }));
    const parts: Record<string, unknown> = {};
    for (const part of this.parts) {
      const saved = await part.save();
      parts[part.name] = saved.state;
      for (const a of saved.arrays ?? []) extra.push({ ...a, name: `part.${part.name}/${a.name}` });
    }
    const path = join(this.dir, `step-${step}.fbckpt`);
    const written = await saveCheckpoint(path, {
      run_id: req.run_id, created: new Date().toISOString(), config: this.spec, step, epoch,
      model_shape: model.shape, rng: rng.getState(), manifest_hash: data.manifestHash,
      class_names: data.classNames, domain_names: data.domainNames, dataset_names: data.datasetNames,
      window_length: this.d.length, channels: this.d.channels,
      sample_rates: windowRates(data.train.fsHz),
      normalization: { method: this.spec.data.normalization, scope: this.spec.data.normalization_scope },
      metrics: { train_flow_loss: trainLoss, val_flow_loss: valLoss },
      config_hash: configHash(this.spec), stable: verdict.stable,
      resume: {
        cursor,
        schedule: { kind: this.spec.task.lr_scheduler, step, total_steps: this.d.totalSteps, lr_scale: guard.lrScale },
        guard: guard.getState(),
        stability: this.tracker.getState(),
        parts,
        train_windows: order?.length ?? 0,
      },
    }, model, optimizer, extra, {
      // A kill -9 between fsync and rename: the temp file must never be picked up.
      afterTempSynced: () => {
        if (faults.fire('crash-in-checkpoint', step)) process.kill(process.pid, 'SIGKILL');
      },
    });
    if (faults.fire('corrupt-checkpoint', step)) await flipPayloadBytes(path);
    // Verified where it now lies, after the rename: only a file that reads back is announced
    // (and so recorded); a bad one is reported and the older verified ones stay.
    const problem = await checkpointProblem(path, written.sha256);
    if (problem) {
      this.kept = this.kept.filter((c) => c.path !== path);
      this.d.emit(stamp(req.run_id, step, {
        event: 'log', level: 'error',
        message: `${kind} checkpoint ${path} failed verification after its write (${problem}); not recorded, older verified checkpoints are kept`,
      }));
      return;
    }

    this.kept = this.kept.filter((c) => c.path !== path);
    this.kept.push({ path, step, stable: verdict.stable, val: valLoss });
    const pruned = await deleteCheckpoints(checkpointsToPrune(this.kept, this.spec.task.keep_checkpoints));
    this.kept = this.kept.filter((c) => !pruned.includes(c.path));
    if (verdict.stable) await guard.markStable(step);

    this.d.emit(stamp(req.run_id, step, {
      event: 'checkpoint', epoch, path: written.path, sha256: written.sha256, bytes: written.bytes,
      kind, stable: verdict.stable, val_flow_loss: valLoss, train_flow_loss: trainLoss,
      pruned, ...(verdict.reason ? { unstable_reason: verdict.reason } : {}),
    }));
  }
}

/** The run's config identity, robust to schema keys added after the run was recorded. */
export function configHash(spec: unknown): string {
  const parsed = runSpecSchema.safeParse(spec);
  return specHash(parsed.success ? parsed.data : spec);
}

/** *.fbckpt files of a folder (temp files start with "." and end in .tmp: never listed). */
export async function listCheckpointFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /^step-\d+\.fbckpt$/.test(n)).map((n) => join(dir, n));
}

async function weightsFinite(vars: tf.Variable[]): Promise<boolean> {
  // One read for all of them (a read per variable would be a GPU round trip each on webgpu).
  if (vars.length === 0) return true;
  return (await readScalar(() => vars.map((v) => tf.all(tf.isFinite(v))).reduce((a, b) => tf.logicalAnd(a, b)))) === 1;
}

/** Bit rot for the corrupt-checkpoint fault: the last 16 bytes inverted in place. */
async function flipPayloadBytes(path: string): Promise<void> {
  const buf = await fs.readFile(path);
  for (let i = Math.max(0, buf.length - 16); i < buf.length; i++) buf[i] = buf[i]! ^ 0xff;
  await fs.writeFile(path, buf);
}

/** The distinct known rates (0 = unknown) among the training windows, ascending. */
function windowRates(fsHz: Float32Array): number[] {
  return [...new Set(fsHz)].filter((f) => f > 0).sort((a, b) => a - b);
}
