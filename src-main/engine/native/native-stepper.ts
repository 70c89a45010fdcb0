/**
 * What the native engine trains and which step class does it: the `mlp` flow loss
 * (NativeFlowStep) and the `dit` with or without the contrastive branch (NativeDitStep).
 */
import type { ModelSpec, TaskSpec } from '../../config/schema.js';
import type { JointObjective } from '../objective/joint-objective.js';
import type { NativeAddon } from './addon-types.js';
import { NativeDitStep } from './native-dit-step.js';
import { NativeFlowStep } from './native-flow-step.js';
import { nativeUnsupported } from './native-mlp.js';

/** Why the native engine cannot train this model and task (null: it can). */
export function nativeCoverage(model: ModelSpec, task: TaskSpec | null): string | null {
  if (model.velocity_net === 'dit') return null;
  if (task?.use_contrastive) return 'the contrastive branch (task.use_contrastive) with model.velocity_net = mlp is not covered by the native engine yet (with dit it is)';
  return nativeUnsupported(model, task);
}

/** The native step for the objective's model (nativeCoverage said yes). */
export function nativeStepper(addon: NativeAddon, objective: JointObjective): NativeFlowStep | NativeDitStep {
  return objective.model.spec.velocity_net === 'dit' ? new NativeDitStep(addon, objective) : new NativeFlowStep(addon, objective);
}
