/** The runs table: one row per training run (resumes keep the same row). */
import type Database from 'better-sqlite3';
import { distance } from 'fastest-levenshtein';
import { RunNotFoundError, StoreError } from './errors.js';
import { fromJson, toJson } from './json.js';
import { RUN_STATUSES, type RunStatus } from '../config/enums.js';

export { RUN_STATUSES, type RunStatus };

export interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  scale: string;
  /** The resolved RunSpec as it was stored (parsed back from JSON). */
  config: Record<string, unknown>;
  configHash: string;
  /** 'synthetic' or the data path. */
  dataSource: string;
  dataManifestHash: string | null;
  seed: number;
  backend: string | null;
  versions: Record<string, string> | null;
  workdir: string;
  /** ISO 8601 times. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationS: number | null;
  error: string | null;
  parentRunId: string | null;
  archived: boolean;
}

export interface NewRun {
  id: string;
  name: string;
  status?: RunStatus;
  scale: string;
  config: object;
  configHash: string;
  dataSource: string;
  dataManifestHash?: string | null;
  seed: number;
  workdir: string;
  parentRunId?: string | null;
  /** Defaults to now. */
  createdAt?: string;
}

export interface RunPatch {
  name?: string;
  status?: RunStatus;
  startedAt?: string | null;
  finishedAt?: string | null;
  durationS?: number | null;
  backend?: string | null;
  versions?: Record<string, string> | null;
  error?: string | null;
  dataManifestHash?: string | null;
  archived?: boolean;
}

export interface RunListOptions {
  limit?: number;
  status?: RunStatus | readonly RunStatus[];
  /** Archived runs are hidden unless this is true. */
  includeArchived?: boolean;
}

interface RunRecord {
  id: string; name: string; status: RunStatus; scale: string; config_json: string; config_hash: string;
  data_source: string; data_manifest_hash: string | null; seed: number; backend: string | null;
  versions_json: string | null; workdir: string; created_at: string; started_at: string | null;
  finished_at: string | null; duration_s: number | null; error: string | null;
  parent_run_id: string | null; archived: number;
}

function toRow(r: RunRecord): RunRow {
  return {
    id: r.id, name: r.name, status: r.status, scale: r.scale,
    config: fromJson<Record<string, unknown>>(r.config_json) ?? {},
    configHash: r.config_hash, dataSource: r.data_source, dataManifestHash: r.data_manifest_hash,
    seed: r.seed, backend: r.backend, versions: fromJson<Record<string, string>>(r.versions_json),
    workdir: r.workdir, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
    durationS: r.duration_s, error: r.error, parentRunId: r.parent_run_id, archived: r.archived === 1,
  };
}

/** Patch key → column and how to encode the value. */
const PATCH_COLUMNS: Record<keyof RunPatch, [string, (v: unknown) => unknown]> = {
  name: ['name', (v) => v],
  status: ['status', (v) => v],
  startedAt: ['started_at', (v) => v],
  finishedAt: ['finished_at', (v) => v],
  durationS: ['duration_s', (v) => v],
  backend: ['backend', (v) => v],
  versions: ['versions_json', (v) => (v === null ? null : toJson(v))],
  error: ['error', (v) => v],
  dataManifestHash: ['data_manifest_hash', (v) => v],
  archived: ['archived', (v) => (v ? 1 : 0)],
};

export class RunsRepo {
  private readonly insertStmt: Database.Statement;
  private readonly getStmt: Database.Statement<[string], RunRecord>;

  constructor(private readonly db: Database.Database, private readonly file: string) {
    this.insertStmt = db.prepare(`
      INSERT INTO runs (id, name, status, scale, config_json, config_hash, data_source, data_manifest_hash,
                        seed, workdir, created_at, parent_run_id)
      VALUES (@id, @name, @status, @scale, @config_json, @config_hash, @data_source, @data_manifest_hash,
              @seed, @workdir, @created_at, @parent_run_id)`);
    this.getStmt = db.prepare(`SELECT * FROM runs WHERE id = ?`);
  }

  create(input: NewRun): RunRow {
    const status = input.status ?? 'created';
    checkStatus(status, this.file);
    if (typeof input.id !== 'string' || input.id.trim() === '') {
      throw new StoreError(`Cannot create a run in ${this.file}: id must be a non-empty string (got ${JSON.stringify(input.id)}).`, this.file);
    }
    if (!Number.isInteger(input.seed)) {
      throw new StoreError(`Cannot create run ${input.id} in ${this.file}: seed must be an integer (got ${input.seed}).`, this.file);
    }
    if (this.getStmt.get(input.id)) {
      throw new StoreError(`Cannot create run ${input.id} in ${this.file}: a run with this id already exists. Use a new id (newRunId()).`, this.file);
    }
    if (input.parentRunId != null && !this.getStmt.get(input.parentRunId)) {
      throw new StoreError(`Cannot create run ${input.id} in ${this.file}: parent run ${input.parentRunId} does not exist.`, this.file);
    }
    this.insertStmt.run({
      id: input.id, name: input.name, status, scale: input.scale,
      config_json: toJson(input.config), config_hash: input.configHash, data_source: input.dataSource,
      data_manifest_hash: input.dataManifestHash ?? null, seed: input.seed, workdir: input.workdir,
      created_at: input.createdAt ?? new Date().toISOString(), parent_run_id: input.parentRunId ?? null,
    });
    return this.get(input.id)!;
  }

  get(id: string): RunRow | undefined {
    const r = this.getStmt.get(id);
    return r ? toRow(r) : undefined;
  }

  /** Newest first. */
  list(opts: RunListOptions = {}): RunRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (!opts.includeArchived) where.push('archived = 0');
    if (opts.status !== undefined) {
      const statuses = typeof opts.status === 'string' ? [opts.status] : [...opts.status];
      statuses.forEach((s) => checkStatus(s, this.file));
      where.push(`status IN (SELECT value FROM json_each(?))`);
      params.push(JSON.stringify(statuses));
    }
    let sql = `SELECT * FROM runs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC`;
    if (opts.limit !== undefined) {
      if (!Number.isInteger(opts.limit) || opts.limit < 0) {
        throw new StoreError(`Run list limit must be a non-negative integer (got ${opts.limit}).`, this.file);
      }
      sql += ` LIMIT ?`;
      params.push(opts.limit);
    }
    return (this.db.prepare(sql).all(...params) as RunRecord[]).map(toRow);
  }

  /** Changes the given fields; returns the updated row. */
  update(id: string, patch: RunPatch): RunRow {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const col = PATCH_COLUMNS[key as keyof RunPatch];
      if (!col) {
        throw new StoreError(
          `Cannot update run ${id} in ${this.file}: unknown field '${key}'. Valid fields: ${Object.keys(PATCH_COLUMNS).join(', ')}.`,
          this.file,
        );
      }
      if (key === 'status') checkStatus(value as RunStatus, this.file);
      sets.push(`${col[0]} = ?`);
      params.push(col[1](value));
    }
    if (sets.length > 0) {
      const info = this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
      if (info.changes === 0) throw noSuchRun(id, this.file);
    }
    const row = this.get(id);
    if (!row) throw noSuchRun(id, this.file);
    return row;
  }

  /**
   * Deletes a run from the history: its row and, by ON DELETE CASCADE, its metrics, events,
   * checkpoints and quality rows. Files on disk (the run folder) are the caller's. True when one was deleted.
   */
  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  /**
   * 'last' (the most recently created run that is not archived), a full id, or a unique id
   * prefix → the full id.
   * @throws RunNotFoundError naming the nearest ids when nothing matches
   */
  resolveId(ref: string): string {
    const r = ref.trim();
    if (r === '') throw new RunNotFoundError(`Empty run id. Give a run id, a unique prefix of one, or 'last'. See runs with \`flowbench runs\`.`, this.file);
    if (r === 'last') {
      const row = this.db.prepare(`SELECT id FROM runs WHERE archived = 0 ORDER BY created_at DESC, rowid DESC LIMIT 1`).get() as { id: string } | undefined;
      if (row) return row.id;
      const archived = (this.db.prepare(`SELECT COUNT(*) AS n FROM runs`).get() as { n: number }).n;
      throw new RunNotFoundError(
        archived > 0
          ? `Every run in ${this.file} is archived, so 'last' names nothing. Name one by id; \`flowbench runs --all\` lists archived runs.`
          : `There are no runs yet in ${this.file}, so 'last' names nothing. Start one with \`flowbench train\`.`,
        this.file,
      );
    }
    if (this.getStmt.get(r)) return r;
    // substr rather than LIKE so '%' or '_' typed by a user are not wildcards.
    const matches = this.db
      .prepare(`SELECT id, name FROM runs WHERE substr(id, 1, ?) = ? ORDER BY created_at DESC, rowid DESC LIMIT 11`)
      .all(r.length, r) as { id: string; name: string }[];
    if (matches.length === 1) return matches[0].id;
    if (matches.length === 0) throw new RunNotFoundError(`No run matches '${r}' in ${this.file}. ${this.nearestIds(r)}`, this.file);
    const shown = matches.slice(0, 10).map((m) => `${m.id} (${m.name})`).join(', ');
    throw new RunNotFoundError(
      `Run id prefix '${r}' is ambiguous in ${this.file}: it matches ${matches.length > 10 ? 'more than 10 runs' : `${matches.length} runs`}: ` +
        `${shown}${matches.length > 10 ? ' …' : ''}. Type more characters of the id.`,
      this.file,
    );
  }

  /** "Did you mean …": the ids (or their prefixes of the typed length) nearest by edit distance, else the newest. */
  private nearestIds(ref: string): string {
    const ids = (this.db.prepare(`SELECT id FROM runs ORDER BY created_at DESC, rowid DESC`).all() as { id: string }[]).map((row) => row.id);
    if (ids.length === 0) return `There are no runs yet; start one with \`flowbench train\`.`;
    const scored = ids.map((id) => ({ id, d: Math.min(distance(ref, id), distance(ref, id.slice(0, ref.length))) }));
    const best = Math.min(...scored.map((s) => s.d));
    // Within a quarter of the typed length counts as a typo; beyond that, nothing is "near".
    if (best <= Math.max(2, Math.floor(ref.length / 4))) {
      return `Did you mean ${scored.filter((s) => s.d === best).slice(0, 3).map((s) => s.id).join(', ')}? Or 'last'; all runs: \`flowbench runs --all\`.`;
    }
    return `The newest: ${ids.slice(0, 3).join(', ')} (all: \`flowbench runs --all\`), or 'last'.`;
  }
}

function checkStatus(status: string, file: string): void {
  if (!(RUN_STATUSES as readonly string[]).includes(status)) {
    throw new StoreError(`Run status '${status}' is not valid; expected one of ${RUN_STATUSES.join(', ')}.`, file);
  }
}

function noSuchRun(id: string, file: string): StoreError {
  return new StoreError(`No run with id '${id}' in ${file}. See runs with \`flowbench runs\`.`, file);
}
