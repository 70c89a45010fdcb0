/**
 * One training run from the host's side: record it, start the engine, persist what it
 * says, and close the run with the right status whatever happens to the engine.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { RunSpec } from '../../config/schema.js';
import { dataSourcePaths, specHash } from '../../config/index.js';
import { openDataSource, prepareWindows } from '../../data/index.js';
import type { EngineEvent, FinishedEvent, TrainRequest } from '../../engine/protocol/index.js';
import { newRunId, type Store } from '../../store/index.js';
import type { EngineLauncher } from '../engine-link/engine-launcher.js';
import { startEngine, type EngineHandle } from '../engine-link/engine-process.js';
import { insideDir } from '../paths.js';
import { RunRecorder } from '../runs/run-recorder.js';
import { recordHost } from '../runs/run-liveness.js';

export interface TrainJobOptions {
  store: Store;
  spec: RunSpec;
  /** Folder that holds run folders (`<workdir>/<run_id>/`). */
  workdir: string;
  /** Folder a relative data.path is resolved against. */
  cwd: string;
  /** Called with every event after it is persisted (progress bar, UI, JSON lines). */
  onEvent?: (event: EngineEvent) => void;
  /** Called once the engine is running, e.g. to wire Ctrl-C to `handle.requestStop()`. */
  onStart?: (handle: EngineHandle, runId: string) => void;
  env?: NodeJS.ProcessEnv;
  /** What starts the engine process (default: fork + tsx; Electron passes utilityProcess). */
  launcher?: EngineLauncher;
}

export interface TrainJobResult {
  runId: string;
  runDir: string;
  finished: FinishedEvent;
}

export async function runTrainJob(options: TrainJobOptions): Promise<TrainJobResult> {
  const { store, spec } = options;
  // Open the data source before recording anything: a wrong path or a broken manifest is
  // bad input (a DataError for the caller), not a failed run cluttering the history.
  const source = await openDataSource(spec.data, { cwd: options.cwd, seed: spec.environment.seed, select: spec.task });
  // The same pass the engine makes (every file opened, rates, shapes, windows per split), so
  // a bad file is exit 2 with its name and no history row. One recording in memory at a time.
  if (spec.data.source === 'files') await prepareWindows(source, spec.data, spec.environment.seed);
  const runId = newRunId();
  const runDir = insideDir(options.workdir, runId, 'run folder');
  mkdirSync(path.join(runDir, 'checkpoints'), { recursive: true });
  // The resolved config travels with the run: what ran is always readable.
  writeFileSync(path.join(runDir, 'config.yaml'), stringify(spec));

  const paths = spec.data.path === null ? ['.'] : dataSourcePaths(spec.data.path);
  const dataSource = spec.data.source === 'synthetic' ? 'synthetic' : paths.map((p) => path.resolve(options.cwd, p)).join(', ');
  store.runs.create({
    id: runId,
    name: spec.name ?? `${spec.model.velocity_net} on ${spec.data.source === 'synthetic' ? 'synthetic bearings' : paths.map((p) => path.basename(p)).join(' + ')}`,
    status: 'created',
    scale: spec.scale,
    config: spec,
    configHash: specHash(spec),
    dataSource,
    dataManifestHash: source.manifestHash,
    seed: spec.environment.seed,
    workdir: runDir,
  });

  return superviseTrainEngine(options, runId, runDir, { type: 'train', run_id: runId, spec, run_dir: runDir, cwd: options.cwd });
}

/**
 * Runs one engine process for run `runId` (a new train or a resume) and closes the run
 * with the right status whatever happens to the engine. Records the host pid first, so a
 * later `runs`/`resume` can tell a live run from one whose host died (run-liveness.ts).
 */
export async function superviseTrainEngine(
  options: Pick<TrainJobOptions, 'store' | 'onEvent' | 'onStart' | 'env' | 'launcher'>,
  runId: string,
  runDir: string,
  request: TrainRequest,
): Promise<TrainJobResult> {
  const { store } = options;
  recordHost(store, runId, request.resume ? 'resume' : 'train', request.cwd);
  let handle: EngineHandle | null = null;
  // A full or read-only database: stop the engine (it writes its final checkpoint) and end failed.
  const recorder = new RunRecorder(store, runId, path.join(runDir, 'events.jsonl'), (err) => {
    handle?.requestStop(`the database could not be written: ${err.message}`);
  });
  const startedAt = Date.now();
  handle = startEngine(
    request,
    {
      onEvent: (event) => {
        recorder.record(event);
        options.onEvent?.(event);
      },
      stderrLog: path.join(runDir, 'engine.log'),
      env: options.env,
      launcher: options.launcher,
    },
  );
  options.onStart?.(handle, runId);
  const exit = await handle.done;
  recorder.flush();

  let finished: FinishedEvent =
    exit.finished ??
    // The engine died without saying how (crash, OOM kill, kill -9): say so.
    {
      event: 'finished',
      run_id: runId,
      step: recorder.step,
      time: new Date().toISOString(),
      status: 'failed',
      reason:
        `engine process ended unexpectedly (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.exitCode}`})` +
        (exit.stderrTail.trim() ? `: ${lastLine(exit.stderrTail)}` : ''),
      seconds: (Date.now() - startedAt) / 1000,
    };
  if (recorder.writeError) {
    finished = {
      ...finished,
      status: 'failed',
      reason: `the database ${store.file} could not be written (${recorder.writeError.message}); ` +
        `free space (or make it writable) and run \`flowbench resume ${runId}\``,
    };
  }
  try {
    if (!exit.finished) {
      store.events.insert({
        runId,
        step: finished.step,
        kind: 'engine_crash',
        details: { exitCode: exit.exitCode, signal: exit.signal, stderr: exit.stderrTail.slice(-2000) },
        outcome: 'run marked failed',
      });
      options.onEvent?.(finished);
    }
    // A resumed run's duration is the sum of its segments (the time between them not counted).
    const before = request.resume ? (store.runs.get(runId)?.durationS ?? 0) : 0;
    store.runs.update(runId, {
      status: finished.status,
      finishedAt: finished.time,
      durationS: before + finished.seconds,
      error: finished.status === 'completed' ? null : (finished.reason ?? null),
    });
  } catch (err) {
    // Still full: the run stays 'running' with no live host, which `runs`/`resume` show as interrupted.
    finished = { ...finished, status: 'failed', reason: `${finished.reason ?? 'failed'}; its end could not be recorded either (${err instanceof Error ? err.message : String(err)})` };
  }
  return { runId, runDir, finished };
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}
