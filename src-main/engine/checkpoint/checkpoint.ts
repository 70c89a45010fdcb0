/**
 * Saving and restoring a flow-model run: weights, optimiser moments, RNG state and the
 * resolved config travel together so resume and sampling rebuild the exact model
 * (architecture keys come from the checkpoint, never from a newer config).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { RunSpec } from '../../config/schema.js';
import { readCopies } from '../backend/device-read.js';
import { FlowModel, type FlowModelShape } from '../flow/flow-model.js';
import type { RngState } from '../../data/rng.js';
import type { AdamState, AdamW } from '../train/adamw.js';
import { writeFileAtomic, type AtomicWriteHooks, type WrittenFile } from './atomic-write.js';
import { decodeCheckpoint, decodeHeader, encodeCheckpoint, headerBytes, type NamedArray } from './format.js';
import type { ResumeMeta } from '../train/run-state.js';

export interface CheckpointMeta {
  run_id: string;
  created: string;
  config: RunSpec;
  step: number;
  epoch: number;
  model_shape: FlowModelShape;
  /** Parameter names in the model's fixed order (blobs "param/<name>"). */
  param_names: string[];
  /** Moments are blobs "adam.m/<name>", "adam.v/<name>". */
  optimizer: { kind: 'adam' | 'adamw'; step: number } | null;
  rng: RngState;
  manifest_hash: string;
  class_names: string[];
  domain_names: string[];
  dataset_names: string[];
  window_length: number;
  channels: number;
  /** Distinct sample rates of the training windows, after resampling (absent in older checkpoints). */
  sample_rates?: number[];
  normalization: { method: string; scope: string };
  metrics: { train_flow_loss: number | null; val_flow_loss: number | null };
  /** specHash of `config`: a resume refuses a checkpoint whose config differs from the run's. */
  config_hash?: string;
  /** Judged when written (finite losses and weights, val not worse than the trend). */
  stable?: boolean;
  /** Everything else a resume needs to continue exactly (cursor, schedule, guard, parts). */
  resume?: ResumeMeta;
}

export interface LoadedCheckpoint {
  path: string;
  meta: CheckpointMeta;
  arrays: Map<string, NamedArray>;
}

export async function saveCheckpoint(
  path: string,
  meta: Omit<CheckpointMeta, 'param_names' | 'optimizer'>,
  model: FlowModel,
  optimizer: AdamW | null,
  /** More blobs (data cursor order, EMA weights, parts); names must not start with param/ or adam. */
  extra: NamedArray[] = [],
  hooks: AtomicWriteHooks = {},
): Promise<WrittenFile> {
  const params = model.params.list();
  const values = await readCopies(params.map((p) => p.variable));
  const arrays: NamedArray[] = params.map((p, i) => ({ name: `param/${p.name}`, shape: p.variable.shape, data: values[i] }));
  let opt: CheckpointMeta['optimizer'] = null;
  if (optimizer) {
    const s = await optimizer.getState();
    opt = { kind: s.kind, step: s.step };
    params.forEach((p, i) => {
      arrays.push({ name: `adam.m/${p.name}`, shape: p.variable.shape, data: s.m[i] });
      arrays.push({ name: `adam.v/${p.name}`, shape: p.variable.shape, data: s.v[i] });
    });
    // Variables the optimiser holds beyond the model's (projection head, balancing weights),
    // in its fixed order; their values travel as "var/#k" blobs from the caller.
    for (let i = params.length; i < s.m.length; i++) {
      arrays.push({ name: `adam.m/#${i}`, shape: [s.m[i].length], data: s.m[i] });
      arrays.push({ name: `adam.v/#${i}`, shape: [s.v[i].length], data: s.v[i] });
    }
  }
  arrays.push(...extra);
  const full: CheckpointMeta = { ...meta, param_names: params.map((p) => p.name), optimizer: opt };
  return writeFileAtomic(path, encodeCheckpoint(full as unknown as Record<string, unknown>, arrays), hooks);
}

export async function loadCheckpoint(path: string): Promise<LoadedCheckpoint> {
  let buf: Buffer;
  try {
    buf = await fs.readFile(path);
  } catch (err) {
    throw new Error(`checkpoint ${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const { header, arrays } = decodeCheckpoint<CheckpointMeta>(buf, path);
  for (const key of ['config', 'model_shape', 'param_names', 'rng'] as const) {
    if (header[key] === undefined || header[key] === null) throw new Error(`checkpoint ${path}: header lacks "${key}"`);
  }
  for (const name of header.param_names) {
    if (!arrays.has(`param/${name}`)) throw new Error(`checkpoint ${path}: parameter "${name}" is listed but has no data`);
  }
  return { path, meta: header, arrays };
}

/**
 * Re-reads a checkpoint at its final path and checks it is the bytes written (sha256) and
 * decodes (payload hash, tensors): returns why not, or null when it is usable.
 */
export async function checkpointProblem(path: string, sha256: string): Promise<string | null> {
  try {
    const buf = await fs.readFile(path);
    const sha = createHash('sha256').update(buf).digest('hex');
    if (sha !== sha256) return `file sha256 ${sha.slice(0, 16)}… differs from the written ${sha256.slice(0, 16)}…`;
    decodeCheckpoint(buf, path);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Only the JSON header (length prefix + header bytes, no tensors read, no hash check): cheap enough
 * to list a folder of checkpoints. Throws like loadCheckpoint on a malformed prefix/header.
 */
export async function readCheckpointHeader(path: string): Promise<CheckpointMeta> {
  const fh = await fs.open(path, 'r');
  try {
    const start = Buffer.alloc(16);
    const { bytesRead } = await fh.read(start, 0, 16, 0);
    const { size } = await fh.stat();
    const buf = Buffer.alloc(Math.min(headerBytes(start.subarray(0, bytesRead)), size));
    await fh.read(buf, 0, buf.length, 0);
    return decodeHeader<CheckpointMeta>(buf, path);
  } finally {
    await fh.close();
  }
}

/** Rebuilds the model from the checkpoint's own config and shape, then loads its weights. */
export function restoreModel(ckpt: LoadedCheckpoint): FlowModel {
  const { meta } = ckpt;
  const model = new FlowModel(meta.config.model, meta.model_shape, meta.config.environment.seed);
  try {
    const names = model.params.list().map((p) => p.name);
    if (names.join('|') !== meta.param_names.join('|')) {
      throw new Error(`checkpoint ${ckpt.path}: parameters [${meta.param_names}] do not match the rebuilt model [${names}]`);
    }
    for (const p of model.params.list()) {
      const a = ckpt.arrays.get(`param/${p.name}`)!;
      if (a.shape.join('x') !== p.variable.shape.join('x')) {
        throw new Error(`checkpoint ${ckpt.path}: "${p.name}" has shape [${a.shape}], the model needs [${p.variable.shape}]`);
      }
      tf.tidy(() => p.variable.assign(tf.tensor(a.data, p.variable.shape)));
    }
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/** The optimiser moments stored in the checkpoint, in the model's order (null if none). */
export function optimizerState(ckpt: LoadedCheckpoint): AdamState | null {
  const o = ckpt.meta.optimizer;
  if (!o) return null;
  const get = (k: string): Float32Array => {
    const a = ckpt.arrays.get(k);
    if (!a) throw new Error(`checkpoint ${ckpt.path}: optimizer moment "${k}" is missing`);
    return a.data;
  };
  const m = ckpt.meta.param_names.map((n) => get(`adam.m/${n}`));
  const v = ckpt.meta.param_names.map((n) => get(`adam.v/${n}`));
  for (let i = m.length; ckpt.arrays.has(`adam.m/#${i}`); i++) {
    m.push(get(`adam.m/#${i}`));
    v.push(get(`adam.v/#${i}`));
  }
  return { kind: o.kind, step: o.step, m, v };
}
