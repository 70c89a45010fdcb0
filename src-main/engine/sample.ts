/**
 * Sampling from a checkpoint: rebuild the model from the config inside it (EMA weights when
 * it has them), integrate the learned field from noise (t = 0) to data (t = 1) with the
 * chosen solver (model.sampler / model.sample_steps, or the request's), classifier-free
 * guidance at model.guidance_scale (or the request's), write the windows.
 */
import { extname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeWindowsCsv, writeWindowsH5 } from '../data/index.js';
import { initBackend, type BackendInfo } from './backend/select-backend.js';
import { loadCheckpoint, restoreModel, type CheckpointMeta } from './checkpoint/checkpoint.js';
import type { ConditionIds } from './flow/condition-encoder.js';
import { loadEmaWeights } from './flow/ema-checkpoint.js';
import type { FlowModel } from './flow/flow-model.js';
import { integrate, type SamplerName } from './flow/samplers.js';
import type { FinishedEvent, SampleRequest } from './protocol/index.js';
import { nativeSamplerFor } from './native/native-sampling.js';
import { Rng } from '../data/rng.js';
import { stamp, type Emit } from './train/events.js';
import { RequestError } from './request-error.js';

const SAMPLE_BATCH = 64;
const MAX_COUNT = 1_000_000;
const SAMPLERS: readonly SamplerName[] = ['euler', 'heun', 'rk4'];

export interface SampleOptions {
  backend?: BackendInfo;
}

export async function runSampling(req: SampleRequest, emit: Emit, options: SampleOptions = {}): Promise<FinishedEvent> {
  const t0 = performance.now();
  const ext = extname(req.out_path).toLowerCase();
  if (ext !== '.csv' && ext !== '.h5') throw new RequestError(`sample: out_path "${req.out_path}" must end in .csv or .h5`);
  if (!Number.isInteger(req.count) || req.count < 1 || req.count > MAX_COUNT) {
    throw new RequestError(`sample: count must be an integer in 1..${MAX_COUNT}, got ${req.count}`);
  }
  if (!Number.isFinite(req.seed)) throw new RequestError(`sample: seed must be a number, got ${req.seed}`);
  if (req.sampler !== undefined && !SAMPLERS.includes(req.sampler)) {
    throw new RequestError(`sample: sampler "${req.sampler}" is not one of ${SAMPLERS.join(', ')}`);
  }
  if (req.sample_steps !== undefined && !(Number.isInteger(req.sample_steps) && req.sample_steps >= 1 && req.sample_steps <= 10000)) {
    throw new RequestError(`sample: sample_steps must be an integer in 1..10000, got ${req.sample_steps}`);
  }
  if (req.guidance_scale !== undefined && !(Number.isFinite(req.guidance_scale) && req.guidance_scale >= 0 && req.guidance_scale <= 100)) {
    throw new RequestError(`sample: guidance_scale must be a number in 0..100, got ${req.guidance_scale}`);
  }
  if (!options.backend) await initBackend();

  const ckpt = await loadCheckpoint(req.checkpoint_path);
  const { meta } = ckpt;
  const model = restoreModel(ckpt);
  try {
    const mspec = model.spec;
    const ema = (req.use_ema ?? true) && loadEmaWeights(model, ckpt.arrays);
    const sampler = req.sampler ?? mspec.sampler;
    const steps = req.sample_steps ?? mspec.sample_steps;
    const guidance = req.guidance_scale ?? mspec.guidance_scale;
    const ids = conditionIds(model, meta, req, ckpt.path);
    const rng = new Rng(req.seed);
    const D = model.signalDim;
    const out = new Float32Array(req.count * D);
    const native = nativeSamplerFor(model); // the C++ engine for the mlp and the dit, else tf below

    for (let i = 0; i < req.count; i += SAMPLE_BATCH) {
      const b = Math.min(SAMPLE_BATCH, req.count - i);
      const batchIds: ConditionIds = {
        domain: ids.domain.subarray(0, b), dataset: ids.dataset.subarray(0, b),
        label: ids.label!.subarray(0, b), fsHz: ids.fsHz!.subarray(0, b),
      };
      const noise = rng.normalArray(b * D);
      if (native) out.set(native.integrate(noise, batchIds, sampler, steps, guidance), i * D);
      else {
        const x0 = tf.tensor2d(noise, [b, D]);
        const x1 = integrate(model.field(batchIds, guidance), x0, sampler, steps);
        out.set(x1.dataSync() as Float32Array, i * D);
        tf.dispose([x0, x1]);
      }
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
      sampler,
      sample_steps: steps,
      guidance_scale: guidance,
      ema: String(ema),
      domain: req.domain ?? 'unknown',
      dataset: req.dataset ?? 'unknown',
      label: req.label ?? 'unknown',
      fs_hz: outputRate(req.fs_hz, meta),
      normalization: meta.normalization.method,
    };
    const { window_length: length, channels } = meta;
    if (ext === '.csv') writeWindowsCsv(req.out_path, out, req.count, length, channels, info);
    else await writeWindowsH5(req.out_path, out, req.count, length, channels, info);
    emit(stamp(req.run_id, meta.step, {
      event: 'sampled', out_path: req.out_path, count: req.count, window_length: length, channels,
      seconds: (performance.now() - t0) / 1000, sampler, sample_steps: steps, guidance_scale: guidance, ema,
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

/**
 * The rate the generated windows are at: the one asked for, else the training windows'
 * (data.resample_hz, or the data's single rate); several rates, or none known, say so.
 */
function outputRate(asked: number | null | undefined, meta: CheckpointMeta): number | string {
  if (asked) return asked;
  // The windows' own rates (after any resampling; `auto` names none itself).
  const fixed = meta.config.data.resample_hz;
  const rates = typeof fixed === 'number' ? [fixed] : (meta.sample_rates ?? []);
  if (rates.length === 1) return rates[0];
  return rates.length > 1 ? `mixed: ${rates.join(' / ')} Hz (pass --fs-hz to condition on one)` : 'unknown (not in the checkpoint)';
}

interface Names {
  domain_names: string[];
  dataset_names: string[];
  class_names: string[];
}

/** The condition ids for every sample: the named domain/dataset/label/rate, or the unknown token. */
function conditionIds(model: FlowModel, names: Names, req: SampleRequest, file: string): ConditionIds {
  const pick = (name: string | null | undefined, list: string[], unknown: number, key: string): number => {
    if (name === null || name === undefined || name === '') return unknown;
    const i = list.indexOf(name);
    if (i < 0) throw new RequestError(`sample: ${key} "${name}" is not in checkpoint ${file}; valid: ${list.join(', ') || '(none)'} or null for unconditional`);
    return i;
  };
  const given = (['domain', 'dataset', 'label', 'fs_hz'] as const).filter((k) => req[k] !== undefined && req[k] !== null && req[k] !== '');
  if (!model.shape.conditional && given.length > 0) {
    throw new RequestError(`sample: checkpoint ${file} was trained with task.use_conditional = false; pass no ${given.join('/')}`);
  }
  const conds = model.cond.conditions as readonly string[];
  const unused = given.filter((k) => !conds.includes(k === 'fs_hz' ? 'sample_rate' : k));
  if (unused.length > 0) {
    throw new RequestError(`sample: checkpoint ${file} is not conditioned on ${unused.join('/')} (model.conditions = [${conds}])`);
  }
  if (req.fs_hz !== undefined && req.fs_hz !== null && !(Number.isFinite(req.fs_hz) && req.fs_hz > 0)) {
    throw new RequestError(`sample: fs_hz must be a positive number of Hz, got ${req.fs_hz}`);
  }
  const d = pick(req.domain, names.domain_names, model.cond.unknownDomain, 'domain');
  const s = pick(req.dataset, names.dataset_names, model.cond.unknownDataset, 'dataset');
  const l = pick(req.label, names.class_names, model.cond.unknownLabel, 'label');
  return {
    domain: new Int32Array(SAMPLE_BATCH).fill(d),
    dataset: new Int32Array(SAMPLE_BATCH).fill(s),
    label: new Int32Array(SAMPLE_BATCH).fill(l),
    fsHz: new Float32Array(SAMPLE_BATCH).fill(req.fs_hz ?? 0),
  };
}
