/**
 * The wizard's draft → a RunSpec, resolved exactly like `flowbench train --scale S
 * --set k=v …` (schema defaults < scale preset < overrides), plus the YAML it will run
 * and a rough time estimate per scale.
 */
import { stringify } from 'yaml';
import { loadRunSpec, type RunSpec } from '../config/index.js';
import { SCALES, type RunDraft, type ScaleEstimate } from '../../src-preload/contract.js';

export function resolveDraft(draft: RunDraft, cwd: string): { spec: RunSpec; yaml: string; warnings: string[] } {
  const { spec, warnings } = loadRunSpec({ configPath: null, scale: draft.scale, sets: draft.sets, cwd });
  return { spec, yaml: stringify(spec), warnings: warnings.map((w) => w.message) };
}

/**
 * Optimiser steps × a per-step cost from the model's size. The cost model is the wasm
 * backend on this class of machine (measured: the reference MLP, B=32, L=1024, H=256,
 * runs ~25 steps/s ≈ 6·B·params FLOPs at ~5 GFLOP/s effective), so it is a rough guide.
 */
export function estimateRun(spec: RunSpec): ScaleEstimate {
  const steps = spec.trainer.steps_per_epoch;
  const total = spec.trainer.max_steps ?? (steps === null ? null : steps * spec.task.epochs);
  const inputs = spec.data.window_length * Math.max(1, spec.data.channels?.length ?? 1);
  const h = spec.model.hidden_dim;
  const params = (inputs + spec.model.time_dim + spec.model.condition_dim) * h + 2 * h * h + h * inputs;
  const stepS = (6 * spec.task.batch_size * params) / 5e9 + 0.004;
  return {
    scale: spec.scale,
    epochs: spec.task.epochs,
    stepsPerEpoch: steps,
    totalSteps: total,
    seconds: total === null ? null : Math.round(total * stepS + 10),
    basis: total === null ? 'one pass over the training windows per epoch: time depends on the data size' : `${total} steps × ~${(stepS * 1000).toFixed(1)} ms/step (wasm, 2 cores) + ~10 s setup`,
  };
}

/** The same draft under each scale, so the wizard can show what quick/medium/full cost. */
export function estimateScales(draft: RunDraft, cwd: string): ScaleEstimate[] {
  return SCALES.map((scale) => estimateRun(resolveDraft({ ...draft, scale }, cwd).spec));
}
