/**
 * The one definition of a run's headline losses, used by `flowbench runs`/`show` and by
 * the app's history (api-handlers): the last and best *epoch mean* of the training flow
 * loss (a single step's loss is one batch and jumps by ±5 %), falling back to the step
 * loss while the first epoch is still running; validation loss per epoch. A diverged
 * loss stays NaN here (the CLI prints it); the app's contract turns it into null.
 */
import type { MetricSummary } from '../../store/index.js';

export interface HeadlineLosses {
  lastFlowLoss: number | null;
  bestFlowLoss: number | null;
  lastValLoss: number | null;
  bestValLoss: number | null;
}

/** The training flow-loss series the headline reads: epoch means, or steps before the first epoch ends. */
export function flowLossSeries(summary: readonly MetricSummary[]): MetricSummary | undefined {
  return summary.find((m) => m.name === 'train_flow_loss' && m.scope === 'epoch') ?? summary.find((m) => m.name === 'flow_loss' && m.scope === 'step');
}

export function headlineLosses(summary: readonly MetricSummary[]): HeadlineLosses {
  const flow = flowLossSeries(summary);
  const val = summary.find((m) => m.name === 'val_flow_loss' && m.scope === 'epoch');
  return {
    lastFlowLoss: flow?.last ?? null,
    bestFlowLoss: flow?.min ?? null,
    lastValLoss: val?.last ?? null,
    bestValLoss: val?.min ?? null,
  };
}
