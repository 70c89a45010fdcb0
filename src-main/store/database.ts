/**
 * Opening the SQLite file: safety checks first (never write to a file we do not own or
 * do not understand), then pragmas, then migrations.
 */
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors.js';
import { APPLICATION_ID, SCHEMA_VERSION, migrate, schemaVersion } from './migrations.js';

export interface OpenOptions {
  /** Open without writing: no migration, no pragma changes. The schema must be current. */
  readonly?: boolean;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';
/** How long a statement waits for another connection's lock before failing. */
const BUSY_TIMEOUT_MS = 5000;

function readHeader(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    const n = readSync(fd, buf, 0, 16, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function notSqlite(file: string, cause?: unknown): StoreError {
  return new StoreError(
    `${file} is not a SQLite database, so it cannot be a Flowbench run history. ` +
      `Flowbench did not change it. Choose another store file, or move this one aside.`,
    file,
    cause,
  );
}

/** Refuses, before anything is written, files that are not ours or are too new for us. */
function checkFile(db: Database.Database, file: string, readonly: boolean): void {
  let version: number;
  let appId: number;
  let tables: string[];
  try {
    version = schemaVersion(db);
    appId = db.pragma('application_id', { simple: true }) as number;
    tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[])
      .map((r) => r.name);
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') throw notSqlite(file, err);
    throw new StoreError(`Cannot read the run history ${file}: ${(err as Error).message}`, file, err);
  }
  if (appId !== 0 && appId !== APPLICATION_ID) {
    throw new StoreError(
      `${file} is a SQLite database of another application (application_id ${appId}), not a Flowbench ` +
        `run history. Flowbench did not change it. Choose another store file.`,
      file,
    );
  }
  if (version === 0 && tables.length > 0) {
    throw new StoreError(
      `${file} is a SQLite database but not a Flowbench run history (it holds tables ` +
        `${tables.slice(0, 5).join(', ')}). Flowbench did not change it. Choose another store file.`,
      file,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `${file} was written by a newer Flowbench (schema version ${version}; this build knows up to ` +
        `${SCHEMA_VERSION}). Flowbench did not change it. Update Flowbench to open it, or choose another store file.`,
      file,
    );
  }
  if (readonly && version < SCHEMA_VERSION) {
    throw new StoreError(
      `${file} has schema version ${version} but this build needs ${SCHEMA_VERSION}; a read-only open ` +
        `cannot upgrade it. Open it once without read-only (e.g. any flowbench runs command) to upgrade.`,
      file,
    );
  }
}

/** Opens (creating if needed) and migrates the store file; returns the connection. */
export function openDatabase(fileArg: string, opts: OpenOptions = {}): { file: string; db: Database.Database } {
  const readonly = opts.readonly === true;
  const memory = fileArg === ':memory:';
  const file = memory ? fileArg : resolve(fileArg);

  if (!memory) {
    if (existsSync(file)) {
      if (!statSync(file).isFile()) {
        throw new StoreError(`${file} is not a file (a folder?). Give the path of a .sqlite file.`, file);
      }
      // An empty file is an empty database to SQLite; anything else must carry the header.
      if (statSync(file).size > 0 && readHeader(file) !== SQLITE_HEADER) throw notSqlite(file);
    } else if (readonly) {
      throw new StoreError(`No run history at ${file}. Run a training first, or check the path.`, file);
    } else {
      mkdirSync(dirname(file), { recursive: true });
    }
  }

  let db: Database.Database;
  try {
    db = new Database(file, { readonly, fileMustExist: readonly });
  } catch (err) {
    throw new StoreError(`Cannot open the run history ${file}: ${(err as Error).message}`, file, err);
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    checkFile(db, file, readonly);
    if (!readonly) {
      // WAL: the host writes while the UI/CLI read, and readers never block the writer.
      db.pragma('journal_mode = WAL');
      // FULL rather than NORMAL: in WAL mode NORMAL already survives kill -9 of the process
      // (committed frames sit in the OS page cache), but a power cut or OS crash can drop the
      // last commits. FULL fsyncs the WAL on every commit, so a recorded metric is durable
      // once its transaction returns. The host commits once per batch of events, so the
      // extra fsync is cheap next to a training step.
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
  } catch (err) {
    db.close();
    if (err instanceof StoreError) throw err;
    throw new StoreError(`Cannot prepare the run history ${file}: ${(err as Error).message}`, file, err);
  }
  return { file, db };
}
