/** Shared fixtures for store tests: a fresh temp folder per test and a valid NewRun. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewRun } from '../../../src-main/store/index.js';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'flowbench-store-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function newRun(id: string, over: Partial<NewRun> = {}): NewRun {
  return {
    id,
    name: `run ${id}`,
    scale: 'quick',
    config: { model: { hidden: 64 }, trainer: { lr: 1e-3 } },
    configHash: 'cafe',
    dataSource: 'synthetic',
    seed: 7,
    workdir: `/tmp/runs/${id}`,
    ...over,
  };
}
