/**
 * `flowbench sample`: generate windows from a run's checkpoint in an engine process.
 */
import path from 'node:path';
import type { EngineEvent, FinishedEvent, SampledEvent, SampleRequest } from '../../engine/protocol/index.js';
import type { Store } from '../../store/index.js';
import type { EngineLauncher } from '../engine-link/engine-launcher.js';
import { startEngine } from '../engine-link/engine-process.js';
import { UsageError } from '../usage-error.js';
import { newestVerifiedCheckpoint } from '../runs/verified-checkpoint.js';

export interface SampleJobOptions {
  store: Store;
  runRef: string;
  count: number;
  outPath: string;
  seed: number;
  domain?: string | null;
  dataset?: string | null;
  /** Passed through to the engine's SampleRequest (absent = the checkpoint's settings). */
  conditioning?: Pick<SampleRequest, 'label' | 'fs_hz' | 'guidance_scale' | 'sampler' | 'sample_steps' | 'use_ema'>;
  onEvent?: (event: EngineEvent) => void;
  /** What starts the engine process (default: fork + tsx). */
  launcher?: EngineLauncher;
}

export interface SampleJobResult {
  runId: string;
  checkpointPath: string;
  /** Set when newer checkpoints failed verification and an older one was used. */
  checkpointNote: string | null;
  sampled: SampledEvent | null;
  finished: FinishedEvent;
}

const OUTPUT_EXTENSIONS = ['.csv', '.h5', '.hdf5'];

export async function runSampleJob(options: SampleJobOptions): Promise<SampleJobResult> {
  const { store } = options;
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > 100_000) {
    throw new UsageError(`--count must be an integer from 1 to 100000, got ${options.count}`);
  }
  const ext = path.extname(options.outPath).toLowerCase();
  if (!OUTPUT_EXTENSIONS.includes(ext)) {
    throw new UsageError(`--out ${options.outPath}: unsupported extension "${ext}"; use .csv or .h5`);
  }
  const runId = store.runs.resolveId(options.runRef);
  const { row: checkpoint, note: checkpointNote } = newestVerifiedCheckpoint(store, runId);

  let sampled: SampledEvent | null = null;
  const handle = startEngine(
    {
      type: 'sample',
      run_id: runId,
      checkpoint_path: checkpoint.path,
      count: options.count,
      out_path: path.resolve(options.outPath),
      seed: options.seed,
      domain: options.domain ?? null,
      dataset: options.dataset ?? null,
      ...options.conditioning,
    },
    {
      onEvent: (event) => {
        if (event.event === 'sampled') sampled = event;
        options.onEvent?.(event);
      },
      launcher: options.launcher,
    },
  );
  const exit = await handle.done;
  const finished: FinishedEvent = exit.finished ?? {
    event: 'finished',
    run_id: runId,
    step: checkpoint.step,
    time: new Date().toISOString(),
    status: 'failed',
    reason: `engine process ended unexpectedly (${exit.signal ?? `exit code ${exit.exitCode}`}): ${exit.stderrTail.trim().split('\n').pop() ?? ''}`,
    seconds: 0,
  };
  return { runId, checkpointPath: checkpoint.path, checkpointNote, sampled, finished };
}
