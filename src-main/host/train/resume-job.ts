/**
 * `flowbench resume RUN|last`: continue a run under the same id from its newest verified
 * stable checkpoint. The host gathers the candidates the store knows (newest first, with
 * the sha256 recorded when each was written); the engine verifies them, falls back past
 * corrupt ones (a `checkpoint_corrupt` event each) and restores the complete state, so the
 * losses from there on equal those of an uninterrupted run. Nothing outside the run's
 * folder and the database is written.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { runSpecSchema } from '../../config/index.js';
import type { TrainRequest } from '../../engine/protocol/index.js';
import type { Store } from '../../store/index.js';
import { insideDir } from '../paths.js';
import { UsageError } from '../usage-error.js';
import { liveHost, recordedCwd, reconcileInterrupted } from '../runs/run-liveness.js';
import { superviseTrainEngine, type TrainJobOptions, type TrainJobResult } from './train-job.js';

/** Why a run cannot be resumed: bad input for the CLI (exit 2), the run is left as it was. */
export class ResumeError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'ResumeError';
  }
}

export interface ResumeJobOptions extends Pick<TrainJobOptions, 'store' | 'onEvent' | 'onStart' | 'env' | 'launcher'> {
  /** Run id, unique prefix, or 'last'. */
  runRef: string;
  /** When given, the run's folder must lie inside it (the user's chosen workdir). */
  workdir?: string | null;
}

export async function runResumeJob(options: ResumeJobOptions): Promise<TrainJobResult> {
  const request = prepareResume(options.store, options.runRef, options.workdir ?? null);
  return superviseTrainEngine(options, request.run_id, request.run_dir, request);
}

/** Checks the run can be resumed and builds the engine request; throws ResumeError if not. */
export function prepareResume(store: Store, runRef: string, workdir: string | null): TrainRequest {
  const id = store.runs.resolveId(runRef);
  reconcileInterrupted(store, id); // only the run being resumed: bad input touches no other run
  const run = store.runs.get(id)!;
  if (run.status === 'completed') throw new ResumeError(`run ${id} is already completed; nothing to resume`);
  if (run.status === 'running' || run.status === 'created') {
    const host = liveHost(store, run);
    throw new ResumeError(`run ${id} is still ${run.status}${host ? ` (host process ${host.pid} is alive)` : ''}; stop it before resuming`);
  }
  const runDir = path.resolve(run.workdir);
  if (workdir !== null) {
    // insideDir throws when runDir escapes the chosen workdir.
    try {
      insideDir(workdir, path.relative(path.resolve(workdir), runDir), 'run folder');
    } catch {
      throw new ResumeError(`run ${id} lives in ${runDir}, outside --workdir ${path.resolve(workdir)}; refusing to write there`);
    }
  }
  if (!existsSync(runDir)) throw new ResumeError(`run ${id}: its folder ${runDir} no longer exists; nothing to resume from`);
  removeStaleTempFiles(path.join(runDir, 'checkpoints'));
  const parsed = runSpecSchema.safeParse(run.config);
  if (!parsed.success) throw new ResumeError(`run ${id}: its recorded config no longer validates (${parsed.error.issues[0]?.message ?? 'invalid'}); it cannot be resumed by this build`);
  const candidates = store.checkpoints
    .forRun(id)
    .filter((c) => c.stable)
    .sort((a, b) => b.step - a.step || b.id - a.id)
    .map((c) => ({ path: c.path, step: c.step, sha256: c.sha256 }));
  const onDisk = safeList(path.join(runDir, 'checkpoints')).filter((n) => /^step-\d+\.fbckpt$/.test(n));
  if (candidates.length === 0 && onDisk.length === 0) {
    throw new ResumeError(`run ${id} has no stable checkpoint (none recorded, none in ${path.join(runDir, 'checkpoints')}); start it again with \`flowbench train\``);
  }
  return {
    type: 'train',
    run_id: id,
    spec: parsed.data,
    run_dir: runDir,
    cwd: recordedCwd(store, id) ?? process.cwd(),
    resume: { checkpoint_path: candidates[0]?.path ?? path.join(runDir, 'checkpoints', onDisk[0]!), candidates, recorded_step: store.metrics.lastStep(id, 'step') },
  };
}

/**
 * An engine killed mid-write leaves its atomic write's temp file (`.step-N.fbckpt.PID.T.tmp`),
 * never a renamed checkpoint. No engine runs for this run now (checked above), so such
 * files are garbage: remove them before the resumed engine writes new ones.
 */
function removeStaleTempFiles(dir: string): void {
  for (const name of safeList(dir)) {
    if (/^\..+\.tmp$/.test(name)) rmSync(path.join(dir, name), { force: true });
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
