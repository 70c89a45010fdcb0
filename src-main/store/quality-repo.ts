/** The quality table (schema v2): evaluation scores of a run or one of its checkpoints. */
import type Database from 'better-sqlite3';
import { StoreError, explainWriteError } from './errors.js';
import { fromJson, toJson } from './json.js';

export interface QualityInput {
  runId: string;
  checkpointId?: number | null;
  /** e.g. 'fid_features', 'linear_probe_acc', 'anomaly_auroc'. */
  metric: string;
  /** NaN is stored as NULL (a score that could not be computed). */
  value: number;
  ciLow?: number | null;
  ciHigh?: number | null;
  /** Name of the evaluation protocol, e.g. 'few-shot-5way-5shot'. */
  protocol: string;
  seed?: number | null;
  details?: object;
  createdAt?: string;
}

export interface QualityRow {
  id: number;
  runId: string;
  checkpointId: number | null;
  metric: string;
  value: number;
  ciLow: number | null;
  ciHigh: number | null;
  protocol: string;
  seed: number | null;
  details: Record<string, unknown>;
  createdAt: string;
}

interface QualityRecord {
  id: number; run_id: string; checkpoint_id: number | null; metric: string; value: number | null;
  ci_low: number | null; ci_high: number | null; protocol: string; seed: number | null;
  details_json: string; created_at: string;
}

const finiteOrNull = (v: number | null | undefined): number | null =>
  v === undefined || v === null || !Number.isFinite(v) ? null : v;

export class QualityRepo {
  private readonly insertStmt: Database.Statement;
  private readonly forRunStmt: Database.Statement<[string], QualityRecord>;
  private readonly byIdStmt: Database.Statement<[number], QualityRecord>;

  constructor(db: Database.Database, private readonly file: string) {
    this.insertStmt = db.prepare(`
      INSERT INTO quality (run_id, checkpoint_id, metric, value, ci_low, ci_high, protocol, seed, details_json, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.forRunStmt = db.prepare(`SELECT * FROM quality WHERE run_id = ? ORDER BY created_at, id`);
    this.byIdStmt = db.prepare(`SELECT * FROM quality WHERE id = ?`);
  }

  insert(q: QualityInput): QualityRow {
    if (typeof q.metric !== 'string' || q.metric === '' || typeof q.protocol !== 'string' || q.protocol === '') {
      throw new StoreError(`Quality score of run ${q.runId} not recorded in ${this.file}: metric and protocol must be non-empty strings (got ${JSON.stringify(q.metric)}, ${JSON.stringify(q.protocol)}).`, this.file);
    }
    let id: number;
    try {
      id = Number(this.insertStmt.run(
        q.runId, q.checkpointId ?? null, q.metric, finiteOrNull(q.value), finiteOrNull(q.ciLow), finiteOrNull(q.ciHigh),
        q.protocol, q.seed ?? null, toJson(q.details ?? {}), q.createdAt ?? new Date().toISOString(),
      ).lastInsertRowid);
    } catch (err) {
      explainWriteError(err, this.file, `Quality score '${q.metric}'`, q.runId);
    }
    return toRow(this.byIdStmt.get(id)!);
  }

  forRun(runId: string): QualityRow[] {
    return this.forRunStmt.all(runId).map(toRow);
  }
}

function toRow(r: QualityRecord): QualityRow {
  return {
    id: r.id, runId: r.run_id, checkpointId: r.checkpoint_id, metric: r.metric, value: r.value ?? NaN,
    ciLow: r.ci_low, ciHigh: r.ci_high, protocol: r.protocol, seed: r.seed,
    details: fromJson<Record<string, unknown>>(r.details_json) ?? {}, createdAt: r.created_at,
  };
}
