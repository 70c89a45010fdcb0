/**
 * Enums and rules shared across layers — the config schema, the CLI, the store, the engine
 * protocol, the contract and the UI — declared once. Imports nothing (the contract and the
 * engine's zod-only protocol files, and through them the renderer, may import this file alone).
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

/** A run's status in the history (the runs table, the contract, the UI's filter). */
export const RUN_STATUSES = ['created', 'running', 'completed', 'failed', 'stopped', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** How an engine job ends (its `finished` event); the host records it as the run's status. */
export const FINISHED_STATUSES = ['completed', 'failed', 'stopped'] as const satisfies readonly RunStatus[];

/** Why a checkpoint was written (the checkpoint event, the checkpoints table, the contract). */
export const CHECKPOINT_KINDS = ['final', 'interval', 'best'] as const;
export type CheckpointKind = (typeof CHECKPOINT_KINDS)[number];

/** Balancing other than fixed needs task.use_contrastive (two losses to balance); otherwise it is ignored. */
export function balancingIgnored(task: { balancing: string; use_contrastive: boolean }): boolean {
  return task.balancing !== 'fixed' && !task.use_contrastive;
}
