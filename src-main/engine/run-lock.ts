/**
 * One engine per run folder. Two engines writing the same run (a resume started while an
 * orphaned engine still runs, two hosts on one database) would interleave checkpoints and
 * prune each other's files, so a training engine holds `<run_dir>/engine.lock` (its pid)
 * for its whole life. A lock whose process is gone (kill -9, power cut) is stale and taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export class RunFolderBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFolderBusyError';
  }
}

/** Takes the lock or throws RunFolderBusyError; returns the release function (also run at exit). */
export function acquireRunLock(runDir: string, pid: number = process.pid): () => void {
  mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, 'engine.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = readHolder(file);
      if (holder !== null && holder !== pid && isAlive(holder)) {
        throw new RunFolderBusyError(
          `run folder ${runDir} is in use by engine process ${holder}; stop that run (or wait for it to exit) before starting another engine on it`,
        );
      }
      rmSync(file, { force: true }); // stale: its engine died without releasing it
      continue;
    }
    writeSync(fd, String(pid));
    closeSync(fd);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      process.off('exit', release);
      if (readHolder(file) === pid) rmSync(file, { force: true });
    };
    process.on('exit', release);
    return release;
  }
  throw new RunFolderBusyError(`run folder ${runDir}: could not take ${file} (another engine keeps recreating it)`);
}

function readHolder(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
