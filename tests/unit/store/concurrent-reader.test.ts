import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/store/index.js';
import { newRun, tempDir } from './helpers.js';
import { connectionOf } from '../../../src-main/store/connection.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.cleanup());

/** A separate process reading the file read-only, as the UI or `flowbench runs` would. */
function readInChild(file: string): { ids: string[]; metrics: number } {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(process.argv[1], { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 0'); // fail rather than wait: WAL readers must not need to wait
    const ids = db.prepare('SELECT id FROM runs ORDER BY id').all().map((r) => r.id);
    const metrics = db.prepare('SELECT COUNT(*) AS n FROM metrics').get().n;
    process.stdout.write(JSON.stringify({ ids, metrics }));
  `;
  const res = spawnSync(process.execPath, ['-e', script, file], { cwd: process.cwd(), encoding: 'utf8', timeout: 20_000 });
  if (res.status !== 0) throw new Error(`reader failed (${res.status}): ${res.stderr}`);
  return JSON.parse(res.stdout) as { ids: string[]; metrics: number };
}

describe('WAL concurrency', () => {
  it('a reader process proceeds during an open write transaction and sees the last commit', () => {
    const file = join(tmp.dir, 'runs.sqlite');
    const store = openStore(file);
    store.runs.create(newRun('committed'));
    store.metrics.insertMany([{ runId: 'committed', step: 1, epoch: 0, scope: 'step', name: 'loss', value: 1 }]);

    // EXCLUSIVE would block every reader in rollback-journal mode; in WAL it must not.
    connectionOf(store).exec('BEGIN EXCLUSIVE');
    store.runs.create(newRun('pending'));
    store.metrics.insertMany([{ runId: 'pending', step: 1, epoch: 0, scope: 'step', name: 'loss', value: 2 }]);
    expect(readInChild(file)).toEqual({ ids: ['committed'], metrics: 1 });
    connectionOf(store).exec('COMMIT');

    expect(readInChild(file)).toEqual({ ids: ['committed', 'pending'], metrics: 2 });
    expect(connectionOf(store).pragma('integrity_check', { simple: true })).toBe('ok');
    store.close();
  });
});
