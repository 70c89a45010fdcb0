/** Hand-made windows and specs for engine tests (no dependence on the data layer's readers). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpecSchema, type RunSpec } from '../../../src-main/config/schema.js';
import type { PreparedData, WindowSet } from '../../../src-main/data/index.js';
import { Rng } from '../../../src-main/data/rng.js';
import type { TrainRequest } from '../../../src-main/engine/protocol/index.js';

/** n windows of sinusoids (frequency by domain) plus noise, unit-ish scale. [n, length, channels]. */
export function sineWindows(n: number, length: number, channels: number, seed: number): WindowSet {
  const rng = new Rng(seed);
  const x = new Float32Array(n * length * channels);
  const domain = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    domain[i] = i % 2;
    const f = domain[i] === 0 ? 3 : 7;
    const phase = rng.next() * 2 * Math.PI;
    for (let t = 0; t < length; t++) {
      for (let c = 0; c < channels; c++) {
        x[(i * length + t) * channels + c] = Math.SQRT2 * Math.sin((2 * Math.PI * f * t) / length + phase + c) + 0.1 * rng.normal();
      }
    }
  }
  return {
    x, n, length, channels, label: new Int32Array(n), domain, dataset: new Int32Array(n),
    file: new Int32Array(n), start: new Int32Array(n), fsHz: new Float32Array(n).fill(1000),
  };
}

export function sineData(nTrain = 64, length = 64, channels = 1): PreparedData {
  return {
    train: sineWindows(nTrain, length, channels, 1),
    val: sineWindows(32, length, channels, 2),
    test: sineWindows(8, length, channels, 3),
    classNames: ['normal'], domainNames: ['slow', 'fast'], datasetNames: ['sines'],
    files: [], skippedWindows: 0, skipReasons: { non_finite: 0, amplitude: 0, flat: 0 },
    manifestHash: 'test-sines', warnings: [],
  };
}

/** A tiny RunSpec: L=64, H=32, small dims, few steps. `overrides` are merged per section. */
export function tinySpec(overrides: Partial<Record<'data' | 'model' | 'task' | 'trainer' | 'engine', Record<string, unknown>>> = {}): RunSpec {
  return runSpecSchema.parse({
    environment: { seed: 7 },
    data: { window_length: 64, stride: 64, ...overrides.data },
    model: { hidden_dim: 32, time_dim: 16, condition_dim: 8, sample_steps: 10, ...overrides.model },
    task: { epochs: 3, batch_size: 16, lr: 3e-3, lr_scheduler: 'constant', ...overrides.task },
    trainer: { log_every_n_steps: 2, ...overrides.trainer },
    engine: { ...overrides.engine },
  });
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `flowbench-engine-${tag}-`));
}

export function trainRequest(spec: RunSpec, runDir: string): TrainRequest {
  return { type: 'train', run_id: 'test-run', spec, run_dir: runDir, cwd: runDir };
}
