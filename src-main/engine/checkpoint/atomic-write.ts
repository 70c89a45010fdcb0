/**
 * Atomic, verified file write: temp file → write → fsync → re-read and compare sha256 →
 * rename over the target → fsync the directory. A crash leaves either the old file or the
 * new complete one, never a torn checkpoint.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface WrittenFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** Test seams for fault injection: called at the two moments a crash is most harmful. */
export interface AtomicWriteHooks {
  /** After the temp file is written and fsynced, before it is verified and renamed. */
  afterTempSynced?: (tmpPath: string) => void;
}

export async function writeFileAtomic(path: string, data: Buffer, hooks: AtomicWriteHooks = {}): Promise<WrittenFile> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const expected = createHash('sha256').update(data).digest('hex');
  try {
    await fs.mkdir(dir, { recursive: true });
    const fh = await fs.open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    hooks.afterTempSynced?.(tmp);
    const back = await fs.readFile(tmp);
    const actual = createHash('sha256').update(back).digest('hex');
    if (actual !== expected) throw new Error(`writing ${path}: read-back sha256 ${actual} differs from written ${expected}`);
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw namingPath(err, path);
  }
  try {
    const dh = await fs.open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic there.
  }
  return { path, sha256: expected, bytes: data.length };
}

/** Node's write errors say "ENOSPC: no space left on device, write" without the file: add it. */
function namingPath(err: unknown, path: string): Error {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.message === 'string' && e.message.includes(path)) return e;
  const what = e?.code === 'ENOSPC' ? 'no space left on the device; free space and resume the run' : e?.message ?? String(err);
  return new Error(`writing ${path}: ${what}${e?.code && !what.startsWith(e.code) ? ` (${e.code})` : ''}`, { cause: err });
}
