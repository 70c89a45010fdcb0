/**
 * Scale presets: small overrides that fill keys the config did not give. "A scale fills
 * defaults; explicit keys win": a key written in the config file or with --set always
 * beats the preset. Exported so the UI can show what each scale means.
 *
 * quick is sized for this class of machine (2 CPU cores, wasm backend, ~20–40 steps/s for
 * the reference MLP at batch 32): ≤ 20 × 50 = 1000 optimiser steps ≈ 25–50 s of training,
 * plus data preparation and evaluation ≈ 1–2 minutes in all.
 */
import type { Scale } from './schema.js';

/** A partial RunSpec in YAML shape (section → key → value). */
export type ScalePreset = {
  readonly task: Readonly<Record<string, unknown>>;
  readonly data: Readonly<Record<string, unknown>>;
  readonly trainer: Readonly<Record<string, unknown>>;
};

export const SCALE_PRESETS: Readonly<Record<Scale, ScalePreset>> = {
  /** A smoke run: one dataset, 20 epochs of ≤ 50 steps, ≤ 200 windows per recording. */
  quick: {
    task: { epochs: 20, max_datasets: 1 },
    data: { max_windows_per_file: 200 },
    trainer: { steps_per_epoch: 50 },
  },
  /** A study run: CWRU + IMS, 300 epochs of ≤ 200 steps, ≤ 256 windows per recording. */
  medium: {
    task: { epochs: 300, datasets: ['CWRU', 'IMS'], max_datasets: 2 },
    data: { max_windows_per_file: 256 },
    trainer: { steps_per_epoch: 200 },
  },
  /** The production setting: every dataset in task.datasets, 1000 epochs, no caps. */
  full: {
    task: { epochs: 1000, datasets: ['CWRU', 'IMS', 'XJTU', 'PU', 'HUST'], max_datasets: null },
    data: { max_windows_per_file: null },
    trainer: { steps_per_epoch: null },
  },
};

/** PHM-Vibench's task.validation_scale names → our scales. */
export const VALIDATION_SCALE_TO_SCALE: Readonly<Record<'small' | 'medium' | 'full', Scale>> = {
  small: 'quick',
  medium: 'medium',
  full: 'full',
};

/**
 * The preset for a scale as a fresh plain object (safe to merge into). The synthetic generator
 * is one dataset, so a synthetic run keeps task.datasets unless it is given explicitly.
 */
export function scalePreset(scale: Scale, dataSource: 'synthetic' | 'files' = 'files'): Record<string, unknown> {
  const preset = structuredClone(SCALE_PRESETS[scale]) as { task: Record<string, unknown> };
  if (dataSource === 'synthetic') delete preset.task.datasets;
  return preset as unknown as Record<string, unknown>;
}
