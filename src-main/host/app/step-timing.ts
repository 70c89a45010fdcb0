/**
 * The wizard's time estimate, measured: a few optimiser steps of the chosen model (same
 * network, width, window, batch, objective, engine choice) run in a real engine process on
 * this machine, on synthetic windows of the same shape so no dataset is read. The cost per
 * step is the mean over the steps after the first (which pays for warm-up and compilation).
 * Nothing is recorded: the engine writes into a temporary folder that is removed afterwards.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RunSpec } from '../../config/index.js';
import type { EngineLauncher } from '../engine-link/engine-launcher.js';
import { startEngine } from '../engine-link/engine-process.js';
import type { StepTiming } from './run-draft.js';

export const TIMED_STEPS = 6;

/** The spec the timing engine runs: the model and objective of `spec`, a tiny synthetic dataset, TIMED_STEPS steps. */
export function timingSpec(spec: RunSpec, steps = TIMED_STEPS): RunSpec {
  const channels = Math.max(1, spec.data.channels?.length ?? 1);
  return {
    ...spec,
    data: {
      ...spec.data,
      source: 'synthetic', path: null, channels: null, resample_hz: null, fs_overrides: {}, max_windows_per_file: null,
      // Enough windows for a batch of every class; channels beyond the first are not synthesised.
      synthetic: { ...spec.data.synthetic, files_per_class: 1, seconds: Math.min(600, Math.max(1, (spec.task.batch_size * spec.data.window_length * channels) / spec.data.synthetic.fs_hz / 2)) },
    },
    task: {
      ...spec.task, epochs: 1, early_stopping: false, checkpoint_interval: 0, checkpoint_every_epoch: false, checkpoint_minutes: 0,
      datasets: null, max_datasets: null,
    },
    trainer: { ...spec.trainer, max_steps: steps, steps_per_epoch: steps, log_every_n_steps: 1, preview_every_n_steps: 0 },
  } as RunSpec;
}

export interface StepTimingOptions {
  launcher?: EngineLauncher;
  env?: NodeJS.ProcessEnv;
  steps?: number;
}

export async function timeSteps(spec: RunSpec, options: StepTimingOptions = {}): Promise<StepTiming & { stepsTimed: number }> {
  const steps = Math.max(3, options.steps ?? TIMED_STEPS);
  const dir = mkdtempSync(path.join(tmpdir(), 'flowbench-timing-'));
  mkdirSync(path.join(dir, 'checkpoints'), { recursive: true });
  const t0 = performance.now();
  const stepAt: number[] = [];
  let backend = 'unknown';
  try {
    const handle = startEngine(
      { type: 'train', run_id: 'timing', spec: timingSpec(spec, steps), run_dir: dir, cwd: dir },
      {
        onEvent: (e) => {
          if (e.event === 'started') backend = e.backend;
          if (e.event === 'step') stepAt.push(performance.now());
        },
        env: options.env, launcher: options.launcher,
      },
    );
    const exit = await handle.done;
    if (stepAt.length < 3) {
      const why = exit.finished?.reason ?? exit.stderrTail.trim().split('\n').pop() ?? `exit code ${exit.exitCode}`;
      throw new Error(`estimateRun: the timing engine ran ${stepAt.length} of ${steps} steps (${why})`);
    }
    const ms = (stepAt[stepAt.length - 1]! - stepAt[0]!) / (stepAt.length - 1);
    return { msPerStep: ms, setupS: (stepAt[0]! - t0) / 1000, backend, stepsTimed: stepAt.length - 1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
