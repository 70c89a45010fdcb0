/**
 * Which step class trains a run the native engine covers (config/native-coverage.ts): the
 * `mlp` flow loss (NativeFlowStep) and the `dit` with or without the contrastive branch
 * (NativeDitStep).
 */
import type { JointObjective } from '../objective/joint-objective.js';
import type { NativeAddon } from './addon-types.js';
import { NativeDitStep } from './native-dit-step.js';
import { NativeFlowStep } from './native-flow-step.js';

/** The native step for the objective's model (nativeCoverage said yes). */
export function nativeStepper(addon: NativeAddon, objective: JointObjective): NativeFlowStep | NativeDitStep {
  return objective.model.spec.velocity_net === 'dit' ? new NativeDitStep(addon, objective) : new NativeFlowStep(addon, objective);
}
