/**
 * Resuming a run: pick the newest checkpoint that verifies, restore every piece of state
 * from it, and say so. Candidates are the host's stable rows from the store (with the
 * sha256 it recorded) plus stable files in the run folder the store never heard of (the
 * host may have died first); newest step first. Each refusal (unreadable, truncated,
 * wrong version, hash mismatch, other run, other config) is a `checkpoint_corrupt`
 * recovery event and the next older one is tried. Loading is JSON.parse + float32 only.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import type { FlowModel } from '../flow/flow-model.js';
import type { TrainRequest } from '../protocol/index.js';
import type { Rng } from '../../data/rng.js';
import type { AdamW } from '../train/adamw.js';
import { stamp, type Emit } from '../train/events.js';
import type { StabilityGuard } from '../train/stability-guard.js';
import { loadCheckpoint, optimizerState, readCheckpointHeader, type LoadedCheckpoint } from './checkpoint.js';
import type { NamedArray } from './format.js';
import { ORDER_BLOB, type TrainCursor } from '../train/run-state.js';
import { configHash, listCheckpointFiles, type RunCheckpointer } from './run-checkpointer.js';

export interface ResumeCandidate {
  path: string;
  step: number;
  /** As recorded by the host; null for files found only on disk. */
  sha256: string | null;
}

export interface ResumedState {
  step: number;
  cursor: TrainCursor;
  order: Int32Array | null;
  path: string;
}

/** Loads and checks the first good candidate; throws when none is usable. */
export async function openResumeCheckpoint(req: TrainRequest, emit: Emit): Promise<LoadedCheckpoint> {
  const resume = req.resume!;
  const candidates = await gatherCandidates(req);
  const refused: string[] = [];
  for (let i = 0; i < candidates.length; i++) {
    const c = candidates[i]!;
    try {
      return await verify(c, req);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      refused.push(message);
      emit(stamp(req.run_id, 0, {
        event: 'recovery', kind: 'checkpoint_corrupt', details: { path: c.path, step: c.step, error: message },
        outcome: i + 1 < candidates.length ? `refused; trying the checkpoint of step ${candidates[i + 1]!.step}` : 'refused; no older checkpoint',
      }));
    }
  }
  throw new Error(
    `resume: no verified stable checkpoint for run ${req.run_id}` +
      (candidates.length ? ` (refused ${candidates.length}: ${refused.join(' | ')})` : ` (none recorded, none in ${resume.checkpoint_path ? resume.checkpoint_path : req.run_dir})`),
  );
}

/** Puts the checkpoint's state into the live objects; returns where the loop continues. */
export async function applyResume(
  ckpt: LoadedCheckpoint,
  live: { model: FlowModel; variables: tf.Variable[]; optimizer: AdamW; rng: Rng; guard: StabilityGuard; checkpointer: RunCheckpointer; trainWindows: number; manifestHash: string },
  emit: Emit,
  runId: string,
): Promise<ResumedState> {
  const { meta } = ckpt;
  const r = meta.resume!;
  if (meta.manifest_hash !== live.manifestHash) {
    throw new Error(`resume: the data changed since checkpoint ${ckpt.path} (manifest ${meta.manifest_hash.slice(0, 12)}…, now ${live.manifestHash.slice(0, 12)}…); resume needs the same data`);
  }
  const names = live.model.params.list().map((p) => p.name);
  if (names.join('|') !== meta.param_names.join('|')) {
    throw new Error(`resume: checkpoint ${ckpt.path} has parameters [${meta.param_names}], the model has [${names}]`);
  }
  tf.tidy(() => {
    for (const p of live.model.params.list()) {
      const a = ckpt.arrays.get(`param/${p.name}`)!;
      if (a.shape.join('x') !== p.variable.shape.join('x')) throw new Error(`resume: "${p.name}" has shape [${a.shape}], the model needs [${p.variable.shape}]`);
      p.variable.assign(tf.tensor(a.data, p.variable.shape));
    }
  });
  tf.tidy(() => {
    live.variables.forEach((v, i) => {
      if (i < names.length) return;
      const a = ckpt.arrays.get(`var/#${i}`);
      if (!a || a.data.length !== v.size) throw new Error(`resume: checkpoint ${ckpt.path} lacks optimiser variable #${i} (${v.name}, ${v.size} values)`);
      v.assign(tf.tensor(a.data, v.shape));
    });
  });
  const opt = optimizerState(ckpt);
  if (opt && opt.m.length !== live.variables.length) {
    throw new Error(`resume: checkpoint ${ckpt.path} holds optimiser moments for ${opt.m.length} variables, the run has ${live.variables.length}`);
  }
  if (opt) live.optimizer.setState(opt);
  live.rng.setState(meta.rng);
  live.guard.setState(r.guard);
  live.checkpointer.tracker.setState(r.stability);
  for (const part of live.checkpointer.parts) {
    if (!(part.name in r.parts)) {
      emit(stamp(runId, meta.step, { event: 'log', level: 'warn', message: `resume: checkpoint has no state for "${part.name}"; it starts fresh` }));
      continue;
    }
    const prefix = `part.${part.name}/`;
    const arrays = new Map<string, NamedArray>();
    for (const [k, v] of ckpt.arrays) if (k.startsWith(prefix)) arrays.set(k.slice(prefix.length), v);
    part.load(r.parts[part.name], arrays);
  }
  let order: Int32Array | null = null;
  if (r.cursor.has_order) {
    const blob = ckpt.arrays.get(ORDER_BLOB);
    if (!blob || blob.data.length !== live.trainWindows) {
      throw new Error(`resume: checkpoint ${ckpt.path} holds a shuffle order of ${blob?.data.length ?? 0} windows, the data has ${live.trainWindows}`);
    }
    order = Int32Array.from(blob.data);
  }
  await live.guard.markStable(meta.step);
  emit(stamp(runId, meta.step, {
    event: 'recovery', kind: 'resume',
    details: { path: ckpt.path, from_step: meta.step, from_epoch: r.cursor.epoch, epoch_position: r.cursor.next_s },
    outcome: `resumed from step ${meta.step}`,
  }));
  // Checkpoints from before the joint objective carry no contrastive/total sums.
  const cursor: TrainCursor = { ...r.cursor, con_sum: r.cursor.con_sum ?? 0, total_sum: r.cursor.total_sum ?? 0 };
  return { step: meta.step, cursor, order, path: ckpt.path };
}

async function gatherCandidates(req: TrainRequest): Promise<ResumeCandidate[]> {
  const resume = req.resume!;
  const byPath = new Map<string, ResumeCandidate>();
  for (const c of resume.candidates ?? []) byPath.set(c.path, { path: c.path, step: c.step, sha256: c.sha256 ?? null });
  if (resume.checkpoint_path && !byPath.has(resume.checkpoint_path)) {
    byPath.set(resume.checkpoint_path, { path: resume.checkpoint_path, step: -1, sha256: null });
  }
  // Stable files the store never heard of (the host may have died before recording them).
  const exact = new Map<string, boolean>();
  for (const file of await listCheckpointFiles(`${req.run_dir}/checkpoints`)) {
    try {
      const h = await readCheckpointHeader(file);
      exact.set(file, h.resume?.cursor.has_order === true);
      const gapFree = resume.recorded_step === undefined || h.step <= resume.recorded_step;
      if (!byPath.has(file) && h.stable === true && h.run_id === req.run_id && gapFree) byPath.set(file, { path: file, step: h.step, sha256: null });
    } catch {
      // Not even a readable header: verify() will refuse it if it is a candidate.
    }
  }
  // Exact points (mid-epoch, with the shuffle order) first, newest first: resuming from one
  // reproduces the uninterrupted run. A stop's final checkpoint restarts its epoch, so it is
  // used only when no exact point exists (e.g. task.checkpoint_interval = 0).
  const rank = (c: ResumeCandidate): number => (exact.get(c.path) ? 1 : 0);
  return [...byPath.values()].sort((a, b) => rank(b) - rank(a) || b.step - a.step);
}

async function verify(c: ResumeCandidate, req: TrainRequest): Promise<LoadedCheckpoint> {
  if (c.sha256) {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(c.path);
    } catch (err) {
      throw new Error(`checkpoint ${c.path}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== c.sha256) throw new Error(`checkpoint ${c.path}: file sha256 ${sha.slice(0, 16)}… differs from the recorded ${c.sha256.slice(0, 16)}… (changed or corrupted after it was written)`);
  }
  const ckpt = await loadCheckpoint(c.path);
  const m = ckpt.meta;
  if (m.run_id !== req.run_id) throw new Error(`checkpoint ${c.path}: belongs to run ${m.run_id}, not ${req.run_id}`);
  if (!m.resume) throw new Error(`checkpoint ${c.path}: has no resume state (written by an older Flowbench)`);
  if (m.config_hash !== undefined && m.config_hash !== configHash(m.config)) throw new Error(`checkpoint ${c.path}: config hash does not match its own config (edited?)`);
  if (configHash(m.config) !== configHash(req.spec)) throw new Error(`checkpoint ${c.path}: its config differs from the run's recorded config`);
  return ckpt;
}
