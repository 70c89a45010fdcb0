/**
 * Deleting a run from the history: its row and, by ON DELETE CASCADE, its metrics,
 * events, checkpoints and quality rows. Files on disk (the run folder) are the caller's.
 */
import type { Store } from './index.js';

/** Returns true when a run was deleted. */
export function deleteRun(store: Store, id: string): boolean {
  return store.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
}
