/**
 * How much an evaluation computes at each scale (quick | medium | full): windows per
 * recording, few-shot episodes, supervised-baseline episodes, generated windows per cell,
 * permutations, flow anomaly windows. quick fits a couple of minutes on 2 CPU cores.
 */
import { SCALES, type Scale } from '../../config/enums.js';

export type EvalScale = Scale;

export interface EvalBudget {
  /** Cap on windows per recording (evenly spaced over the file's splits); null = all. */
  maxWindowsPerFile: number | null;
  /** Prototypical episodes (pretrained and random-init encoders). */
  episodes: number;
  /** Episodes of the supervised-from-scratch baseline (a network is trained per episode). */
  supervisedEpisodes: number;
  /** Adam steps per supervised episode. */
  supervisedSteps: number;
  /** Generated windows per (class, condition) cell, at most the held-out half's size. */
  generatedPerCell: number;
  /** MMD permutations. */
  permutations: number;
  /** Test windows per recording scored by the flow (encode-to-noise is the costly part). */
  flowAnomalyPerFile: number | null;
  /** Normal training windows per recording in the flow-loss profile's healthy reference. */
  flowReferencePerFile: number | null;
  /** L-BFGS iterations of the logistic regressions. */
  logisticIter: number;
  /** Group folds and L-BFGS iterations of the probe's C / readout cross-validation (training split only). */
  cvFolds: number;
  cvIter: number;
}

export const EVAL_BUDGETS: Readonly<Record<EvalScale, EvalBudget>> = {
  quick: { maxWindowsPerFile: 120, episodes: 200, supervisedEpisodes: 20, supervisedSteps: 60, generatedPerCell: 48, permutations: 100, flowAnomalyPerFile: 12, flowReferencePerFile: 64, logisticIter: 300, cvFolds: 3, cvIter: 100 },
  medium: { maxWindowsPerFile: 240, episodes: 600, supervisedEpisodes: 100, supervisedSteps: 100, generatedPerCell: 128, permutations: 300, flowAnomalyPerFile: 40, flowReferencePerFile: 256, logisticIter: 1000, cvFolds: 3, cvIter: 200 },
  full: { maxWindowsPerFile: null, episodes: 1000, supervisedEpisodes: 200, supervisedSteps: 150, generatedPerCell: 256, permutations: 1000, flowAnomalyPerFile: null, flowReferencePerFile: null, logisticIter: 1000, cvFolds: 5, cvIter: 300 },
};

export function evalBudget(scale: EvalScale, overrides: Partial<EvalBudget> = {}): EvalBudget {
  const base = EVAL_BUDGETS[scale];
  if (!base) throw new Error(`evaluate: scale "${scale}" is not one of ${SCALES.join(', ')}`);
  return { ...base, ...overrides };
}
