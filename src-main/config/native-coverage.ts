/**
 * What the native engine (native/, engine/native/) trains and samples, declared once: the
 * backend choice (engine/native/engine-choice.ts) runs a covered model natively under
 * engine.backend auto, and the config check (run-checks.ts) refuses engine.backend: native
 * for a model outside it before the run is recorded (exit 2, naming the key).
 * A model family the addon learns is one more line in NATIVE_COVERAGE.
 */
import type { ModelSpec, TaskSpec } from './schema.js';

export interface NativeCoverageLine {
  /** model.velocity_net */
  velocity_net: ModelSpec['velocity_net'];
  /** Whether the contrastive branch (task.use_contrastive) trains on the native engine too. */
  contrastive: boolean;
  /** Whether generation and encode-to-noise run natively too (else on the tf backend). */
  sampling: boolean;
}

export const NATIVE_COVERAGE: readonly NativeCoverageLine[] = [
  { velocity_net: 'mlp', contrastive: false, sampling: true },
  { velocity_net: 'dit', contrastive: true, sampling: true },
];

/** Whether the native engine samples (and encodes to noise) with this velocity network. */
export function nativeSamples(model: Pick<ModelSpec, 'velocity_net'>, lines: readonly NativeCoverageLine[] = NATIVE_COVERAGE): boolean {
  return lines.some((l) => l.velocity_net === model.velocity_net && l.sampling);
}

/** The coverage in words, for messages: "mlp without the contrastive branch". */
export function nativeCoverageText(lines: readonly NativeCoverageLine[] = NATIVE_COVERAGE): string {
  return lines.map((l) => `${l.velocity_net} ${l.contrastive ? 'with or without' : 'without'} the contrastive branch`).join('; ');
}

/** A key the native engine does not cover for this model (task null: sampling, the model alone). */
export interface NativeCoverageGap {
  key: 'model.velocity_net' | 'task.use_contrastive';
  /** "model.velocity_net = dit is not covered by the native engine (it covers: …)" */
  message: string;
}

export function nativeCoverageGap(
  model: Pick<ModelSpec, 'velocity_net'>,
  task: Pick<TaskSpec, 'use_contrastive'> | null,
  lines: readonly NativeCoverageLine[] = NATIVE_COVERAGE,
): NativeCoverageGap | null {
  const covered = `(it covers: ${nativeCoverageText(lines)})`;
  const forNet = lines.filter((l) => l.velocity_net === model.velocity_net);
  if (forNet.length === 0) {
    return { key: 'model.velocity_net', message: `model.velocity_net = ${model.velocity_net} is not covered by the native engine ${covered}` };
  }
  if (task?.use_contrastive && !forNet.some((l) => l.contrastive)) {
    return {
      key: 'task.use_contrastive',
      message: `task.use_contrastive = true (the contrastive branch) is not covered by the native engine for model.velocity_net = ${model.velocity_net} ${covered}`,
    };
  }
  return null;
}
