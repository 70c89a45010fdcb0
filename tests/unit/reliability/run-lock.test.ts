/**
 * One engine per run folder: a live holder refuses a second engine, a dead holder's lock is
 * stale and taken over, and releasing removes only our own lock.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunFolderBusyError, acquireRunLock } from '../../../src-main/engine/run-lock.js';

const dir = mkdtempSync(path.join(tmpdir(), 'flowbench-lock-'));
const lock = path.join(dir, 'engine.lock');
const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
afterAll(() => sleeper.kill('SIGKILL'));

describe('run-folder lock', () => {
  it('takes a free folder, writes its pid, and release removes the file', () => {
    const release = acquireRunLock(dir);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('refuses while another live process holds it, naming that process', () => {
    writeFileSync(lock, String(sleeper.pid));
    expect(() => acquireRunLock(dir)).toThrow(RunFolderBusyError);
    expect(() => acquireRunLock(dir)).toThrow(new RegExp(`engine process ${sleeper.pid}`));
    expect(readFileSync(lock, 'utf8')).toBe(String(sleeper.pid)); // the holder's lock is untouched
  });

  it('takes over a stale lock whose process is gone', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(lock, dead.stdout.trim());
    const release = acquireRunLock(dir);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    release();
  });

  it("release leaves a lock that another process has since taken alone", () => {
    const release = acquireRunLock(dir);
    writeFileSync(lock, String(sleeper.pid)); // e.g. ours was judged stale and taken over
    release();
    expect(readFileSync(lock, 'utf8')).toBe(String(sleeper.pid));
  });
});
