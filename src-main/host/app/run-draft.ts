/**
 * The wizard's draft → a RunSpec, resolved exactly like `flowbench train [--config FILE]
 * --scale S --set k=v …` (schema defaults < scale preset < file < overrides), plus the YAML
 * it will run and each scale's step count. Time per step is measured, not modelled
 * (step-timing.ts, the estimateRun method).
 */
import { stringify } from 'yaml';
import { loadRunSpec, type RunSpec } from '../../config/index.js';
import { SCALES, type RunDraft, type ScaleEstimate } from '../../../src-preload/contract.js';
import { configTemplatePath, DEFAULT_CONFIGS_DIR } from './config-templates.js';

export function resolveDraft(draft: RunDraft, cwd: string, configsDir = DEFAULT_CONFIGS_DIR): { spec: RunSpec; yaml: string; warnings: string[] } {
  const configPath = draft.config ? configTemplatePath(configsDir, draft.config) : null;
  const { spec, warnings } = loadRunSpec({ configPath, scale: draft.scale, sets: draft.sets, cwd });
  return { spec, yaml: stringify(spec), warnings: warnings.map((w) => w.message) };
}

/** A measured step cost on this machine (step-timing.ts). */
export interface StepTiming {
  msPerStep: number;
  setupS: number;
  backend: string;
}

/** Steps of a spec, and with a measured step cost its wall time (setup + steps; data loading not included). */
export function estimateRun(spec: RunSpec, timing: StepTiming | null = null): ScaleEstimate {
  const steps = spec.trainer.steps_per_epoch;
  const total = spec.trainer.max_steps ?? (steps === null ? null : steps * spec.task.epochs);
  const base = { scale: spec.scale, epochs: spec.task.epochs, stepsPerEpoch: steps, totalSteps: total };
  if (total === null) return { ...base, seconds: null, basis: 'one pass over the training windows per epoch: time depends on the data size' };
  if (!timing) return { ...base, seconds: null, basis: `${total} steps; time per step not measured yet` };
  return {
    ...base,
    seconds: Math.round(total * (timing.msPerStep / 1000) + timing.setupS),
    basis: `${total} steps × ${timing.msPerStep.toFixed(1)} ms/step (timed on this machine, ${timing.backend}) + ${timing.setupS.toFixed(0)} s setup; data loading not included`,
  };
}

/** The same draft under each scale, so the wizard can show what quick/medium/full cost. */
export function estimateScales(draft: RunDraft, cwd: string, configsDir = DEFAULT_CONFIGS_DIR, timing: StepTiming | null = null): ScaleEstimate[] {
  return SCALES.map((scale) => estimateRun(resolveDraft({ ...draft, scale }, cwd, configsDir).spec, timing));
}
