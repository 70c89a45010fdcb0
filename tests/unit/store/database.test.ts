import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION, StoreError, openStore } from '../../../src-main/store/index.js';
import { newRun, sha256File, tempDir } from './helpers.js';
import { connectionOf } from '../../../src-main/store/connection.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

describe('openStore', () => {
  it('creates the parent folder, migrates an empty file to the latest version, WAL on', () => {
    const file = join(tmp.dir, 'nested', 'deeper', 'runs.sqlite');
    const store = openStore(file);
    expect(existsSync(file)).toBe(true);
    expect(SCHEMA_VERSION).toBe(2);
    expect(connectionOf(store).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(connectionOf(store).pragma('journal_mode', { simple: true })).toBe('wal');
    expect(connectionOf(store).pragma('foreign_keys', { simple: true })).toBe(1);
    expect(connectionOf(store).pragma('synchronous', { simple: true })).toBe(2); // FULL
    const tables = connectionOf(store).prepare(`SELECT name FROM sqlite_master WHERE type='table' ORDER BY name`).all()
      .map((r) => (r as { name: string }).name);
    expect(tables).toEqual(['checkpoints', 'events', 'metrics', 'quality', 'runs']);
    store.close();
    store.close(); // idempotent
  });

  it('reopening keeps data and version', () => {
    const file = join(tmp.dir, 'runs.sqlite');
    const a = openStore(file);
    a.runs.create(newRun('r1'));
    a.metrics.insertMany([{ runId: 'r1', step: 1, epoch: 0, scope: 'step', name: 'loss', value: 0.5 }]);
    a.close();
    const b = openStore(file);
    expect(connectionOf(b).pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(b.runs.get('r1')?.name).toBe('run r1');
    expect(b.metrics.forRun('r1').map((m) => m.value)).toEqual([0.5]);
    b.close();
  });

  it('upgrades a version-1 file to version 2 without losing runs', () => {
    const file = join(tmp.dir, 'old.sqlite');
    const s = openStore(file);
    s.runs.create(newRun('r1'));
    connectionOf(s).exec('DROP TABLE quality');
    connectionOf(s).pragma('user_version = 1');
    s.close();
    const t = openStore(file);
    expect(connectionOf(t).pragma('user_version', { simple: true })).toBe(2);
    expect(t.runs.get('r1')).toBeDefined();
    expect(t.quality.forRun('r1')).toEqual([]);
    t.close();
  });

  it('refuses a newer schema version without modifying the file', () => {
    const file = join(tmp.dir, 'future.sqlite');
    const s = openStore(file);
    s.runs.create(newRun('r1'));
    s.close();
    const raw = new Database(file);
    raw.pragma('journal_mode = DELETE'); // no -wal side file, so the main file is all the state
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const before = sha256File(file);
    let err: unknown;
    try { openStore(file); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as Error).message).toContain(file);
    expect((err as Error).message).toMatch(/newer Flowbench.*schema version 7.*up to 2.*did not change/s);
    expect(sha256File(file)).toBe(before);
    // Still the old journal mode: we did not switch it to WAL either.
    const check = new Database(file, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('refuses a non-SQLite file with a clear error and leaves it untouched', () => {
    const file = join(tmp.dir, 'notes.sqlite');
    writeFileSync(file, 'step,loss\n1,0.5\n'.repeat(200));
    const before = sha256File(file);
    expect(() => openStore(file)).toThrow(/notes\.sqlite is not a SQLite database.*did not change it/s);
    expect(sha256File(file)).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses a SQLite database of something else', () => {
    const file = join(tmp.dir, 'other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE customers (id INTEGER)');
    raw.close();
    const before = sha256File(file);
    expect(() => openStore(file)).toThrow(/not a Flowbench run history.*customers/s);
    expect(sha256File(file)).toBe(before);
  });

  it('refuses a folder and a missing file in read-only mode', () => {
    expect(() => openStore(tmp.dir)).toThrow(/is not a file/);
    const missing = join(tmp.dir, 'missing.sqlite');
    expect(() => openStore(missing, { readonly: true })).toThrow(/No run history at .*missing\.sqlite/);
    expect(existsSync(missing)).toBe(false);
  });

  it('read-only store reads but cannot write', () => {
    const file = join(tmp.dir, 'runs.sqlite');
    const w = openStore(file);
    w.runs.create(newRun('r1'));
    const r = openStore(file, { readonly: true });
    expect(r.runs.get('r1')?.id).toBe('r1');
    expect(() => r.events.insert({ runId: 'r1', step: 0, kind: 'x', details: {}, outcome: null }))
      .toThrow(/opened read-only/);
    r.close();
    w.close();
  });

  it('enforces foreign keys with a message naming the run', () => {
    const store = openStore(join(tmp.dir, 'runs.sqlite'));
    expect(() => store.metrics.insertMany([{ runId: 'ghost', step: 0, epoch: null, scope: 'step', name: 'loss', value: 1 }]))
      .toThrow(/no run with id 'ghost'/);
    expect(() => store.events.insert({ runId: 'ghost', step: 0, kind: 'nan', details: {}, outcome: null }))
      .toThrow(/no run with id 'ghost'/);
    expect(() => connectionOf(store).prepare(`INSERT INTO checkpoints (run_id, step, path, sha256, bytes, kind, stable, metrics_json, created_at)
      VALUES ('ghost', 0, 'p', 's', 1, 'final', 1, '{}', 'now')`).run()).toThrow(/FOREIGN KEY/);
    expect(connectionOf(store).prepare('SELECT COUNT(*) AS n FROM metrics').get()).toEqual({ n: 0 });
    store.close();
  });

  it('transaction rolls back everything when fn throws, and integrity_check is ok after writes', () => {
    const store = openStore(join(tmp.dir, 'runs.sqlite'));
    store.runs.create(newRun('r1'));
    expect(() => store.transaction(() => {
      store.metrics.insertMany([{ runId: 'r1', step: 1, epoch: 0, scope: 'step', name: 'loss', value: 1 }]);
      store.events.insert({ runId: 'r1', step: 1, kind: 'nan', details: {}, outcome: 'skipped' });
      throw new Error('host crashed mid-batch');
    })).toThrow('host crashed mid-batch');
    expect(store.metrics.forRun('r1')).toEqual([]);
    expect(store.events.forRun('r1')).toEqual([]);
    const n = store.transaction(() => {
      store.metrics.insertMany(Array.from({ length: 500 }, (_, i) => (
        { runId: 'r1', step: i, epoch: 0, scope: 'step' as const, name: 'loss', value: i % 50 === 0 ? NaN : 1 / (i + 1) })));
      return 500;
    });
    expect(n).toBe(500);
    expect(connectionOf(store).pragma('integrity_check', { simple: true })).toBe('ok');
    expect(connectionOf(store).pragma('foreign_key_check')).toEqual([]);
    store.close();
  });
});
