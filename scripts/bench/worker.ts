/**
 * One measurement in a fresh process (so its peak RSS is its own), started by scripts/bench.ts:
 *   node --import tsx scripts/bench/worker.ts '<task json>'
 * Prints one JSON line: the result, the backend and the process's peak RSS in MB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadRunSpec } from '../../src-main/config/index.js';
import { initBackend } from '../../src-main/engine/backend/select-backend.js';
import { runTraining } from '../../src-main/engine/train/loop.js';
import { nativeDitTrainRate } from './native-dit-workload.js';
import { nativeSampleRate, nativeTrainRate, type NativeMode } from './native-workload.js';
import { sampleRate, trainRate, type WorkloadShape } from './workload.js';
import type { SamplingRoute } from '../../src-main/engine/native/addon-types.js';

/** engine: absent = the tf backend (wasm); native modes in native-workload.ts; native-dit: native-dit-workload.ts. */
export type WorkerTask =
  | { kind: 'train'; shape: WorkloadShape; steps: number; phases?: boolean; engine?: NativeMode | 'native-dit' }
  | { kind: 'sample'; shape: WorkloadShape; repeats: number; engine?: 'native'; route?: SamplingRoute }
  | { kind: 'basic'; config: string; maxSteps: number | null };

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as WorkerTask;
  const backend = await initBackend();
  const t0 = performance.now();
  let result: Record<string, unknown>;
  if (task.kind === 'train') {
    if (task.engine === 'native-dit') result = { ...(await nativeDitTrainRate(task.shape, task.steps)) };
    else result = task.engine ? { ...(await nativeTrainRate(task.shape, task.steps, task.engine)) } : { ...(await trainRate(task.shape, task.steps, { phases: task.phases })) };
  } else if (task.kind === 'sample') {
    result = task.engine ? { ...nativeSampleRate(task.shape, task.repeats, 1, task.route) } : { ...sampleRate(task.shape, task.repeats) };
  } else if (task.kind === 'basic') {
    const sets = task.maxSteps ? [`trainer.max_steps=${task.maxSteps}`] : [];
    const { spec } = loadRunSpec({ configPath: task.config, scale: 'quick', sets, cwd: process.cwd() });
    const dir = mkdtempSync(join(tmpdir(), 'flowbench-bench-'));
    let steps = 0;
    let maxTensors = 0;
    try {
      const finished = await runTraining(
        { type: 'train', run_id: 'bench', spec, run_dir: dir, cwd: process.cwd() },
        (ev) => {
          if (ev.event === 'step') {
            steps = ev.step;
            maxTensors = Math.max(maxTensors, ev.num_tensors);
          }
        },
        { stopRequested: false },
        { backend },
      );
      result = { status: finished.status, steps, max_tensors: maxTensors };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    throw new Error(`bench worker: unknown task ${JSON.stringify(task)}`);
  }
  const out = {
    ...result,
    seconds: (performance.now() - t0) / 1000,
    backend: backend.name,
    backend_threads: backend.threads,
    backend_skipped: backend.skipped,
    tensors_alive: tf.memory().numTensors,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench worker: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
