/**
 * Schema migrations, tracked in PRAGMA user_version. Append only: never edit a released
 * migration, add the next version instead. Each runs in one IMMEDIATE transaction with
 * its user_version bump, so a crash mid-migration leaves the previous version intact.
 */
import type Database from 'better-sqlite3';

/** Marks the file as a Flowbench store (PRAGMA application_id, 'FlBh'). */
export const APPLICATION_ID = 0x466c4268;

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, metrics, events, checkpoints',
    sql: `
      CREATE TABLE runs (
        id                 TEXT PRIMARY KEY,
        name               TEXT NOT NULL,
        status             TEXT NOT NULL DEFAULT 'created'
                           CHECK (status IN ('created','running','completed','failed','stopped','interrupted')),
        scale              TEXT NOT NULL,
        config_json        TEXT NOT NULL,
        config_hash        TEXT NOT NULL,
        data_source        TEXT NOT NULL,              -- 'synthetic' or the data path
        data_manifest_hash TEXT,
        seed               INTEGER NOT NULL,
        backend            TEXT,
        versions_json      TEXT,
        workdir            TEXT NOT NULL,
        created_at         TEXT NOT NULL,              -- ISO 8601 UTC
        started_at         TEXT,
        finished_at        TEXT,
        duration_s         REAL,
        error              TEXT,
        parent_run_id      TEXT REFERENCES runs(id) ON DELETE SET NULL,
        archived           INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1))
      );
      CREATE INDEX runs_created ON runs (created_at);

      -- Non-finite values: value is NULL and value_text holds 'NaN', 'Infinity' or
      -- '-Infinity' (SQLite would store NaN as NULL and lose which one it was).
      CREATE TABLE metrics (
        run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step       INTEGER NOT NULL,
        epoch      INTEGER,
        scope      TEXT NOT NULL CHECK (scope IN ('step','epoch')),
        name       TEXT NOT NULL,
        value      REAL,
        value_text TEXT CHECK (value_text IN ('NaN','Infinity','-Infinity')),
        time       TEXT NOT NULL,
        CHECK ((value IS NULL) = (value_text IS NOT NULL))
      );
      CREATE INDEX metrics_run_name_step ON metrics (run_id, name, step);

      CREATE TABLE events (
        id           INTEGER PRIMARY KEY,
        run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step         INTEGER NOT NULL,
        kind         TEXT NOT NULL,
        details_json TEXT NOT NULL,
        outcome      TEXT,
        time         TEXT NOT NULL
      );
      CREATE INDEX events_run_step ON events (run_id, step);

      CREATE TABLE checkpoints (
        id           INTEGER PRIMARY KEY,
        run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        step         INTEGER NOT NULL,
        epoch        INTEGER,
        path         TEXT NOT NULL,
        sha256       TEXT NOT NULL,
        bytes        INTEGER NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('final','interval','best')),
        stable       INTEGER NOT NULL CHECK (stable IN (0, 1)),
        metrics_json TEXT NOT NULL,
        created_at   TEXT NOT NULL,
        UNIQUE (run_id, path)
      );
      CREATE INDEX checkpoints_run_step ON checkpoints (run_id, step);
    `,
  },
  {
    version: 2,
    description: 'quality scores from evaluation',
    sql: `
      CREATE TABLE quality (
        id            INTEGER PRIMARY KEY,
        run_id        TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        checkpoint_id INTEGER REFERENCES checkpoints(id) ON DELETE SET NULL,
        metric        TEXT NOT NULL,
        value         REAL,
        ci_low        REAL,
        ci_high       REAL,
        protocol      TEXT NOT NULL,
        seed          INTEGER,
        details_json  TEXT NOT NULL,
        created_at    TEXT NOT NULL
      );
      CREATE INDEX quality_run_metric ON quality (run_id, metric);
    `,
  },
];

/** The schema version this build writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the file's version; returns the versions applied. */
export function migrate(db: Database.Database): number[] {
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    const run = db.transaction(() => {
      // Re-read inside the write lock: another process may have migrated meanwhile.
      if (schemaVersion(db) >= m.version) return false;
      db.exec(m.sql);
      if (m.version === 1) db.pragma(`application_id = ${APPLICATION_ID}`);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    if (run.immediate()) applied.push(m.version);
  }
  return applied;
}
