/**
 * Enums and rules shared by the config schema, the CLI, the contract and the UI, declared once.
 * Imports nothing (the contract, and through it the renderer, may import this file alone).
 */

/** scale: how much a run trains / an evaluation covers. */
export const SCALES = ['quick', 'medium', 'full'] as const;
export type Scale = (typeof SCALES)[number];

/** data.layout: how a folder's recordings are read (auto detects from a manifest or file names). */
export const DATA_LAYOUTS = ['auto', 'manifest', 'CWRU', 'XJTU', 'PU', 'HUST', 'IMS', 'PHM-Vibench'] as const;
export type DataLayout = (typeof DATA_LAYOUTS)[number];

/** task.balancing: how flow and contrastive losses combine. */
export const BALANCINGS = ['fixed', 'uncertainty', 'gradnorm'] as const;
export type Balancing = (typeof BALANCINGS)[number];

/** Balancing other than fixed needs task.use_contrastive (two losses to balance); otherwise it is ignored. */
export function balancingIgnored(task: { balancing: string; use_contrastive: boolean }): boolean {
  return task.balancing !== 'fixed' && !task.use_contrastive;
}
