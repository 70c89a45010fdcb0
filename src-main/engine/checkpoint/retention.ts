/**
 * Which checkpoint files to keep: the newest `keep` by step, the best stable one by
 * validation loss, and always the newest stable one (the resume and rollback target).
 * Pruning runs only after the new checkpoint was written and verified, so a crash in the
 * middle never leaves a run with fewer good checkpoints than before.
 */
import { promises as fs } from 'node:fs';

export interface KeptCheckpoint {
  path: string;
  step: number;
  stable: boolean;
  val: number | null;
}

/** The paths to delete from `all` (any order) under the keep-N + best + newest-stable rule. */
export function checkpointsToPrune(all: readonly KeptCheckpoint[], keep: number): string[] {
  const byStep = [...all].sort((a, b) => b.step - a.step);
  const keepSet = new Set(byStep.slice(0, Math.max(1, keep)).map((c) => c.path));
  const newestStable = byStep.find((c) => c.stable);
  if (newestStable) keepSet.add(newestStable.path);
  let best: KeptCheckpoint | undefined;
  for (const c of byStep) {
    if (c.stable && c.val !== null && Number.isFinite(c.val) && (!best || c.val < best.val!)) best = c;
  }
  if (best) keepSet.add(best.path);
  return byStep.filter((c) => !keepSet.has(c.path)).map((c) => c.path);
}

/** Deletes `paths` (missing files are fine); returns the ones that are gone now. */
export async function deleteCheckpoints(paths: readonly string[]): Promise<string[]> {
  const gone: string[] = [];
  for (const p of paths) {
    try {
      await fs.rm(p, { force: true });
      gone.push(p);
    } catch {
      // A file we cannot delete stays listed; the next prune tries again.
    }
  }
  return gone;
}
