/**
 * Sampling from a checkpoint: rebuild the model from the config inside it, integrate the
 * learned field from noise (t = 0) to data (t = 1) with Euler steps, write the windows.
 */
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeWindowsCsv, writeWindowsH5 } from '../data/index.js';
import { initBackend, type BackendInfo } from './backend.js';
import { loadCheckpoint, restoreModel } from './checkpoint/checkpoint.js';
import type { ConditionIds } from './flow/condition-encoder.js';
import type { FlowModel } from './flow/flow-model.js';
import { eulerSample } from './flow/samplers.js';
import type { FinishedEvent, SampleRequest } from './protocol.js';
import { Rng } from './rng.js';
import { stamp, type Emit } from './train/events.js';

const SAMPLE_BATCH = 64;
const MAX_COUNT = 1_000_000;

export interface SampleOptions {
  backend?: BackendInfo;
}

export async function runSampling(req: SampleRequest, emit: Emit, options: SampleOptions = {}): Promise<FinishedEvent> {
  const t0 = performance.now();
  const ext = extname(req.out_path).toLowerCase();
  if (ext !== '.csv' && ext !== '.h5') throw new Error(`sample: out_path "${req.out_path}" must end in .csv or .h5`);
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > MAX_COUNT) {
    throw new Error(`sample: count must be an integer in 1..${MAX_COUNT}, got ${req.count}`);
  }
  if (!Number.isFinite(req.seed)) throw new Error(`sample: seed must be a number, got ${req.seed}`);
  if (!options.backend) await initBackend();

  const ckpt = await loadCheckpoint(req.checkpoint_path);
  const { meta } = ckpt;
  const model = restoreModel(ckpt);
  try {
    const ids = conditionIds(model, meta.domain_names, meta.dataset_names, req, ckpt.path);
    const steps = meta.config.model.sample_steps;
    const rng = new Rng(req.seed);
    const D = model.signalDim;
    const out = new Float32Array(req.count * D);
    for (let i = 0; i < req.count; i += SAMPLE_BATCH) {
      const b = Math.min(SAMPLE_BATCH, req.count - i);
      const batchIds: ConditionIds = { domain: ids.domain.subarray(0, b), dataset: ids.dataset.subarray(0, b) };
      const x0 = tf.tensor2d(rng.normalArray(b * D), [b, D]);
      const x1 = eulerSample((x, t) => model.velocity(x, t, batchIds, null), x0, steps);
      out.set(x1.dataSync() as Float32Array, i * D);
      tf.dispose([x0, x1]);
      await new Promise<void>((r) => setImmediate(r));
    }
    for (let k = 0; k < out.length; k++) {
      if (!Number.isFinite(out[k])) throw new Error(`sample: the model produced a non-finite value (window ${Math.floor(k / D)}); checkpoint ${ckpt.path} may be unstable`);
    }
    const info = {
      source: 'flowbench-sample',
      checkpoint: ckpt.path,
      run_id: meta.run_id,
      step: meta.step,
      seed: req.seed,
      sample_steps: steps,
      domain: req.domain ?? 'unknown',
      dataset: req.dataset ?? 'unknown',
      normalization: meta.normalization.method,
    };
    const { window_length: length, channels } = meta;
    if (ext === '.csv') writeWindowsCsv(req.out_path, out, req.count, length, channels, info);
    else await writeWindowsH5(req.out_path, out, req.count, length, channels, info);
    emit(stamp(req.run_id, meta.step, {
      event: 'sampled', out_path: req.out_path, count: req.count, window_length: length, channels,
      seconds: (performance.now() - t0) / 1000,
    }));
    const finished = stamp(req.run_id, meta.step, {
      event: 'finished', status: 'completed', seconds: (performance.now() - t0) / 1000,
    }) as FinishedEvent;
    emit(finished);
    return finished;
  } finally {
    model.dispose();
  }
}

/** The condition ids for every sample: the named domain/dataset, or the unknown token. */
function conditionIds(model: FlowModel, domains: string[], datasets: string[], req: SampleRequest, file: string): ConditionIds {
  const pick = (name: string | null | undefined, names: string[], unknown: number, key: string): number => {
    if (name === null || name === undefined || name === '') return unknown;
    const i = names.indexOf(name);
    if (i < 0) throw new Error(`sample: ${key} "${name}" is not in checkpoint ${file}; valid: ${names.join(', ') || '(none)'} or null for unconditional`);
    return i;
  };
  if (!model.shape.conditional && (req.domain || req.dataset)) {
    throw new Error(`sample: checkpoint ${file} was trained with task.use_conditional = false; pass no domain/dataset`);
  }
  const d = pick(req.domain, domains, model.cond.unknownDomain, 'domain');
  const s = pick(req.dataset, datasets, model.cond.unknownDataset, 'dataset');
  return { domain: new Int32Array(SAMPLE_BATCH).fill(d), dataset: new Int32Array(SAMPLE_BATCH).fill(s) };
}
