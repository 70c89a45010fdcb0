/**
 * The metrics table: one row per (run, step, metric name). Non-finite values are kept
 * faithfully: value NULL + value_text 'NaN' | 'Infinity' | '-Infinity' (see migrations.ts).
 */
import type Database from 'better-sqlite3';
import { StoreError, explainWriteError } from './errors.js';
import { nonFiniteText, numberFromColumns } from './json.js';

export type MetricScope = 'step' | 'epoch';

export interface MetricInput {
  runId: string;
  step: number;
  epoch: number | null;
  scope: MetricScope;
  name: string;
  /** Any number, NaN and ±Infinity included. */
  value: number;
  /** ISO time; defaults to now. */
  time?: string;
}

export interface MetricRow {
  runId: string;
  step: number;
  epoch: number | null;
  scope: MetricScope;
  name: string;
  value: number;
  time: string;
}

export interface MetricQuery {
  names?: readonly string[];
  scope?: MetricScope;
}

export interface MetricSummary {
  name: string;
  scope: MetricScope;
  /** All rows, non-finite included. */
  count: number;
  /** Rows whose value is NaN or ±Infinity. */
  nonFinite: number;
  /** Values at the first and last step (may be NaN). */
  first: number;
  last: number;
  /** Over finite values only; null when there are none. */
  min: number | null;
  max: number | null;
  firstStep: number;
  lastStep: number;
}

interface MetricRecord {
  run_id: string; step: number; epoch: number | null; scope: MetricScope; name: string;
  value: number | null; value_text: string | null; time: string;
}

function toRow(r: MetricRecord): MetricRow {
  return {
    runId: r.run_id, step: r.step, epoch: r.epoch, scope: r.scope, name: r.name,
    value: numberFromColumns(r.value, r.value_text), time: r.time,
  };
}

export class MetricsRepo {
  private readonly insertStmt: Database.Statement;
  private readonly firstStmt: Database.Statement<[string, string, string], MetricRecord>;
  private readonly lastStmt: Database.Statement<[string, string, string], MetricRecord>;

  constructor(private readonly db: Database.Database, private readonly file: string) {
    this.insertStmt = db.prepare(`
      INSERT INTO metrics (run_id, step, epoch, scope, name, value, value_text, time)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    this.firstStmt = db.prepare<[string, string, string], MetricRecord>(
      `SELECT * FROM metrics WHERE run_id = ? AND name = ? AND scope = ? ORDER BY step ASC, rowid ASC LIMIT 1`);
    this.lastStmt = db.prepare<[string, string, string], MetricRecord>(
      `SELECT * FROM metrics WHERE run_id = ? AND name = ? AND scope = ? ORDER BY step DESC, rowid DESC LIMIT 1`);
  }

  /** Inserts all rows in one transaction; a bad row rejects the whole batch before writing. */
  insertMany(rows: readonly MetricInput[]): void {
    rows.forEach((r, i) => this.check(r, i));
    const now = new Date().toISOString();
    let current: MetricInput | undefined;
    try {
      this.db.transaction(() => {
        for (const r of rows) {
          current = r;
          const text = nonFiniteText(r.value);
          this.insertStmt.run(r.runId, r.step, r.epoch, r.scope, r.name, text === null ? r.value : null, text, r.time ?? now);
        }
      })();
    } catch (err) {
      explainWriteError(err, this.file, `Metrics (batch of ${rows.length}, none written)`, current?.runId ?? '');
    }
  }

  /**
   * A resume from the checkpoint of step `step` (inside epoch `epoch`) recomputes what came
   * after it: step rows after `step` and epoch rows of epoch >= `epoch` belong to the cut-off
   * timeline and are removed (events.jsonl keeps them), so every step is recorded once.
   * Returns the number of rows removed.
   */
  supersedeAfter(runId: string, step: number, epoch: number): number {
    try {
      return this.db
        .prepare(`DELETE FROM metrics WHERE run_id = ? AND ((scope = 'step' AND step > ?) OR (scope = 'epoch' AND (epoch >= ? OR step > ?)))`)
        .run(runId, step, epoch, step).changes;
    } catch (err) {
      explainWriteError(err, this.file, `Metrics after step ${step}`, runId);
    }
  }

  /** Highest step with committed metrics of the run (of one scope when given); 0 when none. */
  lastStep(runId: string, scope?: MetricScope): number {
    const row = (scope
      ? this.db.prepare(`SELECT MAX(step) AS s FROM metrics WHERE run_id = ? AND scope = ?`).get(runId, scope)
      : this.db.prepare(`SELECT MAX(step) AS s FROM metrics WHERE run_id = ?`).get(runId)) as { s: number | null } | undefined;
    return row?.s ?? 0;
  }

  /** Rows of one run ordered by step (then insertion). */
  forRun(runId: string, q: MetricQuery = {}): MetricRow[] {
    const where = ['run_id = ?'];
    const params: unknown[] = [runId];
    if (q.names !== undefined) {
      where.push(`name IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(q.names));
    }
    if (q.scope !== undefined) {
      where.push('scope = ?');
      params.push(q.scope);
    }
    const sql = `SELECT * FROM metrics WHERE ${where.join(' AND ')} ORDER BY step, rowid`;
    return (this.db.prepare(sql).all(...params) as MetricRecord[]).map(toRow);
  }

  /** One line per (name, scope), sorted by name then scope. */
  summary(runId: string): MetricSummary[] {
    const groups = this.db.prepare(`
      SELECT name, scope, COUNT(*) AS count, SUM(value IS NULL) AS nonFinite,
             MIN(value) AS min, MAX(value) AS max, MIN(step) AS firstStep, MAX(step) AS lastStep
      FROM metrics WHERE run_id = ? GROUP BY name, scope ORDER BY name, scope`,
    ).all(runId) as Omit<MetricSummary, 'first' | 'last'>[];
    // MIN/MAX skip NULLs, so they are already over finite values only.
    return groups.map((g) => {
      const first = this.firstStmt.get(runId, g.name, g.scope)!;
      const last = this.lastStmt.get(runId, g.name, g.scope)!;
      return {
        ...g,
        first: numberFromColumns(first.value, first.value_text),
        last: numberFromColumns(last.value, last.value_text),
      };
    });
  }

  private check(r: MetricInput, i: number): void {
    const bad = (what: string): never => {
      throw new StoreError(`Metric row ${i} (${JSON.stringify(r?.name)} of run ${r?.runId}) not recorded in ${this.file}: ${what}. No row of this batch was written.`, this.file);
    };
    if (typeof r.runId !== 'string' || r.runId === '') bad(`runId must be a non-empty string (got ${JSON.stringify(r.runId)})`);
    if (typeof r.name !== 'string' || r.name === '') bad(`name must be a non-empty string (got ${JSON.stringify(r.name)})`);
    if (!Number.isInteger(r.step) || r.step < 0) bad(`step must be an integer >= 0 (got ${r.step})`);
    if (r.epoch !== null && !Number.isInteger(r.epoch)) bad(`epoch must be an integer or null (got ${r.epoch})`);
    if (r.scope !== 'step' && r.scope !== 'epoch') bad(`scope must be 'step' or 'epoch' (got ${JSON.stringify(r.scope)})`);
    if (typeof r.value !== 'number') bad(`value must be a number (got ${typeof r.value} ${JSON.stringify(r.value)})`);
  }
}
