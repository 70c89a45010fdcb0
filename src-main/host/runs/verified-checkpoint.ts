/**
 * The checkpoint `sample` and `evaluate` use: the newest recorded one whose file still has
 * the sha256 recorded at its write (stable ones first). A corrupt or missing newer file is
 * skipped and named in a note; none verifying is a UsageError (exit 2).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CheckpointRow, Store } from '../../store/index.js';
import { UsageError } from '../usage-error.js';

export interface VerifiedCheckpoint {
  row: CheckpointRow;
  /** Set when newer checkpoints failed verification: says which and which one is used. */
  note: string | null;
}

export function newestVerifiedCheckpoint(store: Store, runId: string): VerifiedCheckpoint {
  const rows = store.checkpoints.forRun(runId)
    .sort((a, b) => Number(b.stable) - Number(a.stable) || b.step - a.step || b.id - a.id);
  if (rows.length === 0) throw new UsageError(`run ${runId} has no checkpoint yet; train it to the end (or resume it) first`);
  const failed: string[] = [];
  for (const row of rows) {
    const problem = fileProblem(row);
    if (!problem) {
      const note = failed.length === 0 ? null
        : `checkpoint ${failed.join('; ')}: using the older verified checkpoint ${row.path} (step ${row.step}) instead`;
      return { row, note };
    }
    failed.push(`${row.path} ${problem}`);
  }
  throw new UsageError(`run ${runId}: no checkpoint verifies (${failed.join('; ')}); resume or retrain the run to write a new one`);
}

function fileProblem(row: CheckpointRow): string | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(row.path);
  } catch (err) {
    return `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
  }
  const sha = createHash('sha256').update(bytes).digest('hex');
  return sha === row.sha256 ? null : `is corrupt (sha256 ${sha.slice(0, 16)}… differs from the recorded ${row.sha256.slice(0, 16)}…)`;
}
