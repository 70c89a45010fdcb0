/**
 * Learning-rate schedules over optimiser steps s = 0..total−1 (task.lr_scheduler):
 *   constant:       lr(s) = lr
 *   cosine:         lr(s) = lr · ½(1 + cos(π·s/total))
 *   warmup_cosine:  lr(s) = lr·(s+1)/W for s < W, then cosine over the remaining total−W steps
 * W = warmup_epochs · steps_per_epoch (capped at total).
 */
export type ScheduleKind = 'constant' | 'cosine' | 'warmup_cosine';

export interface ScheduleSpec {
  kind: ScheduleKind;
  lr: number;
  totalSteps: number;
  warmupSteps: number;
}

export function learningRate(spec: ScheduleSpec, step: number): number {
  const { kind, lr } = spec;
  const total = Math.max(1, spec.totalSteps);
  const s = Math.min(Math.max(0, step), total);
  if (kind === 'constant') return lr;
  if (kind === 'cosine') return lr * 0.5 * (1 + Math.cos((Math.PI * s) / total));
  if (kind === 'warmup_cosine') {
    const w = Math.min(spec.warmupSteps, total);
    if (s < w) return (lr * (s + 1)) / w;
    const rest = Math.max(1, total - w);
    return lr * 0.5 * (1 + Math.cos((Math.PI * (s - w)) / rest));
  }
  throw new Error(`task.lr_scheduler "${kind as string}" is unknown; valid: constant, cosine, warmup_cosine`);
}
