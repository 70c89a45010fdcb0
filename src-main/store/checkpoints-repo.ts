/** The checkpoints table: files written by a run, with their hash, for resume and evaluation. */
import type Database from 'better-sqlite3';
import { StoreError, explainWriteError } from './errors.js';
import { fromJson, toJson } from './json.js';
import { CHECKPOINT_KINDS, type CheckpointKind } from '../config/enums.js';

export { CHECKPOINT_KINDS, type CheckpointKind };

export interface CheckpointInput {
  runId: string;
  step: number;
  epoch: number | null;
  path: string;
  sha256: string;
  bytes: number;
  kind: CheckpointKind;
  /** Written after a healthy step (no recovery pending): safe to resume from. */
  stable: boolean;
  /** e.g. { val_flow_loss, train_flow_loss }; non-finite numbers kept as strings. */
  metrics: object;
  /** ISO time; defaults to now. */
  createdAt?: string;
}

export interface CheckpointRow {
  id: number;
  runId: string;
  step: number;
  epoch: number | null;
  path: string;
  sha256: string;
  bytes: number;
  kind: CheckpointKind;
  stable: boolean;
  metrics: Record<string, unknown>;
  createdAt: string;
}

interface CheckpointRecord {
  id: number; run_id: string; step: number; epoch: number | null; path: string; sha256: string; bytes: number;
  kind: CheckpointKind; stable: number; metrics_json: string; created_at: string;
}

function toRow(r: CheckpointRecord): CheckpointRow {
  return {
    id: r.id, runId: r.run_id, step: r.step, epoch: r.epoch, path: r.path, sha256: r.sha256, bytes: r.bytes,
    kind: r.kind, stable: r.stable === 1, metrics: fromJson<Record<string, unknown>>(r.metrics_json) ?? {},
    createdAt: r.created_at,
  };
}

export class CheckpointsRepo {
  private readonly upsertStmt: Database.Statement;
  private readonly byPathStmt: Database.Statement<[string, string], CheckpointRecord>;
  private readonly forRunStmt: Database.Statement<[string], CheckpointRecord>;
  private readonly latestStmt: Database.Statement<[string, number], CheckpointRecord>;
  private readonly removeStmt: Database.Statement<[string, string]>;

  constructor(db: Database.Database, private readonly file: string) {
    // A file rewritten at the same path (e.g. final.ckpt) replaces its row: the row must
    // describe the bytes now on disk, or resume would verify against a stale sha256.
    this.upsertStmt = db.prepare(`
      INSERT INTO checkpoints (run_id, step, epoch, path, sha256, bytes, kind, stable, metrics_json, created_at)
      VALUES (@run_id, @step, @epoch, @path, @sha256, @bytes, @kind, @stable, @metrics_json, @created_at)
      ON CONFLICT (run_id, path) DO UPDATE SET
        step = excluded.step, epoch = excluded.epoch, sha256 = excluded.sha256, bytes = excluded.bytes,
        kind = excluded.kind, stable = excluded.stable, metrics_json = excluded.metrics_json,
        created_at = excluded.created_at`);
    this.byPathStmt = db.prepare(`SELECT * FROM checkpoints WHERE run_id = ? AND path = ?`);
    this.forRunStmt = db.prepare(`SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step, created_at, id`);
    this.latestStmt = db.prepare(`
      SELECT * FROM checkpoints WHERE run_id = ? AND (stable = 1 OR ? = 0)
      ORDER BY step DESC, created_at DESC, id DESC LIMIT 1`);
    this.removeStmt = db.prepare(`DELETE FROM checkpoints WHERE run_id = ? AND path = ?`);
  }

  /** Records a checkpoint file (or replaces the row of the same run and path). */
  insert(c: CheckpointInput): CheckpointRow {
    const bad = (what: string): never => {
      throw new StoreError(`Checkpoint ${JSON.stringify(c.path)} of run ${c.runId} not recorded in ${this.file}: ${what}.`, this.file);
    };
    if (typeof c.path !== 'string' || c.path === '') bad(`path must be a non-empty string`);
    if (!Number.isInteger(c.step) || c.step < 0) bad(`step must be an integer >= 0 (got ${c.step})`);
    if (c.epoch !== null && !Number.isInteger(c.epoch)) bad(`epoch must be an integer or null (got ${c.epoch})`);
    if (!Number.isInteger(c.bytes) || c.bytes < 0) bad(`bytes must be an integer >= 0 (got ${c.bytes})`);
    if (!/^[0-9a-f]{64}$/i.test(c.sha256)) bad(`sha256 must be 64 hex digits (got ${JSON.stringify(c.sha256)})`);
    if (!(CHECKPOINT_KINDS as readonly string[]).includes(c.kind)) bad(`kind must be one of ${CHECKPOINT_KINDS.join(', ')} (got ${JSON.stringify(c.kind)})`);
    try {
      this.upsertStmt.run({
        run_id: c.runId, step: c.step, epoch: c.epoch, path: c.path, sha256: c.sha256.toLowerCase(), bytes: c.bytes,
        kind: c.kind, stable: c.stable ? 1 : 0, metrics_json: toJson(c.metrics ?? {}),
        created_at: c.createdAt ?? new Date().toISOString(),
      });
    } catch (err) {
      explainWriteError(err, this.file, `Checkpoint ${JSON.stringify(c.path)}`, c.runId);
    }
    return toRow(this.byPathStmt.get(c.runId, c.path)!);
  }

  /** Ordered by step. */
  forRun(runId: string): CheckpointRow[] {
    return this.forRunStmt.all(runId).map(toRow);
  }

  /** Highest step (newest on ties); with stableOnly, only checkpoints safe to resume from. */
  latest(runId: string, opts: { stableOnly?: boolean } = {}): CheckpointRow | undefined {
    const r = this.latestStmt.get(runId, opts.stableOnly ? 1 : 0);
    return r ? toRow(r) : undefined;
  }

  /** Forgets a checkpoint whose file was deleted (keep-N); returns whether a row went. */
  remove(runId: string, path: string): boolean {
    return this.removeStmt.run(runId, path).changes > 0;
  }
}
