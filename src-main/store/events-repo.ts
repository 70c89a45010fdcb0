/** The events table: recovery actions and other notable moments of a run. */
import type Database from 'better-sqlite3';
import { StoreError, explainWriteError } from './errors.js';
import { fromJson, toJson } from './json.js';

export interface EventInput {
  runId: string;
  step: number;
  /** e.g. 'nan_loss', 'lr_backoff', 'rollback'. */
  kind: string;
  /** Non-finite numbers inside are kept as the strings 'NaN' / 'Infinity' / '-Infinity'. */
  details: object;
  outcome: string | null;
  /** ISO time; defaults to now. */
  time?: string;
}

export interface EventRow {
  id: number;
  runId: string;
  step: number;
  kind: string;
  details: Record<string, unknown>;
  outcome: string | null;
  time: string;
}

interface EventRecord {
  id: number; run_id: string; step: number; kind: string; details_json: string; outcome: string | null; time: string;
}

export class EventsRepo {
  private readonly insertStmt: Database.Statement;
  private readonly forRunStmt: Database.Statement<[string], EventRecord>;
  private readonly countsStmt: Database.Statement<[string], { kind: string; n: number }>;

  constructor(db: Database.Database, private readonly file: string) {
    this.insertStmt = db.prepare(
      `INSERT INTO events (run_id, step, kind, details_json, outcome, time) VALUES (?, ?, ?, ?, ?, ?)`);
    this.forRunStmt = db.prepare(`SELECT * FROM events WHERE run_id = ? ORDER BY step, id`);
    this.countsStmt = db.prepare(`SELECT kind, COUNT(*) AS n FROM events WHERE run_id = ? GROUP BY kind ORDER BY kind`);
  }

  insert(e: EventInput): EventRow {
    if (typeof e.kind !== 'string' || e.kind === '') {
      throw new StoreError(`Event of run ${e.runId} not recorded in ${this.file}: kind must be a non-empty string (got ${JSON.stringify(e.kind)}).`, this.file);
    }
    if (!Number.isInteger(e.step) || e.step < 0) {
      throw new StoreError(`Event '${e.kind}' of run ${e.runId} not recorded in ${this.file}: step must be an integer >= 0 (got ${e.step}).`, this.file);
    }
    const time = e.time ?? new Date().toISOString();
    const details = toJson(e.details ?? {});
    let info: Database.RunResult;
    try {
      info = this.insertStmt.run(e.runId, e.step, e.kind, details, e.outcome ?? null, time);
    } catch (err) {
      explainWriteError(err, this.file, `Event '${e.kind}'`, e.runId);
    }
    return {
      id: Number(info.lastInsertRowid), runId: e.runId, step: e.step, kind: e.kind,
      details: JSON.parse(details) as Record<string, unknown>, outcome: e.outcome ?? null, time,
    };
  }

  forRun(runId: string): EventRow[] {
    return this.forRunStmt.all(runId).map((r) => ({
      id: r.id, runId: r.run_id, step: r.step, kind: r.kind,
      details: fromJson<Record<string, unknown>>(r.details_json) ?? {}, outcome: r.outcome, time: r.time,
    }));
  }

  countsByKind(runId: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.countsStmt.all(runId)) out[r.kind] = r.n;
    return out;
  }
}
