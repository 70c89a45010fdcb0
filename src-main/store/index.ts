/**
 * The run history: one SQLite file, written only by the host process (CLI or Electron
 * main). `openStore` is the entry; the repos are the only code that knows the SQL (the
 * connection itself stays inside store/, connection.ts).
 */
import { CheckpointsRepo } from './checkpoints-repo.js';
import { bindConnection } from './connection.js';
import { openDatabase, type OpenOptions } from './database.js';
import { EventsRepo } from './events-repo.js';
import { MetricsRepo } from './metrics-repo.js';
import { QualityRepo } from './quality-repo.js';
import { RunsRepo } from './runs-repo.js';

export interface Store {
  /** Absolute path of the SQLite file. */
  readonly file: string;
  readonly runs: RunsRepo;
  readonly metrics: MetricsRepo;
  readonly events: EventsRepo;
  readonly checkpoints: CheckpointsRepo;
  readonly quality: QualityRepo;
  /** Runs fn in one transaction (nests as a savepoint); rolls back if fn throws. */
  transaction<T>(fn: () => T): T;
  /** Closes the file; calling it twice is harmless. */
  close(): void;
}

export function openStore(file: string, opts: OpenOptions = {}): Store {
  const { file: abs, db } = openDatabase(file, opts);
  const store: Store = {
    file: abs,
    runs: new RunsRepo(db, abs),
    metrics: new MetricsRepo(db, abs),
    events: new EventsRepo(db, abs),
    checkpoints: new CheckpointsRepo(db, abs),
    quality: new QualityRepo(db, abs),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => {
      if (db.open) db.close();
    },
  };
  bindConnection(store, db);
  return store;
}

export type { OpenOptions } from './database.js';
export { RunNotFoundError, StoreError } from './errors.js';
export { SCHEMA_VERSION, MIGRATIONS } from './migrations.js';
export { newRunId } from './run-id.js';
export { RUN_STATUSES, RunsRepo } from './runs-repo.js';
export type { RunRow, NewRun, RunPatch, RunListOptions, RunStatus } from './runs-repo.js';
export { MetricsRepo } from './metrics-repo.js';
export type { MetricInput, MetricRow, MetricQuery, MetricScope, MetricSummary } from './metrics-repo.js';
export { EventsRepo } from './events-repo.js';
export type { EventInput, EventRow } from './events-repo.js';
export { CHECKPOINT_KINDS, CheckpointsRepo } from './checkpoints-repo.js';
export type { CheckpointInput, CheckpointRow, CheckpointKind } from './checkpoints-repo.js';
export { QualityRepo } from './quality-repo.js';
export type { QualityInput, QualityRow } from './quality-repo.js';
