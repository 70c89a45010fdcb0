/** Where the real test data lives (shared/data beside the repo, or FLOWBENCH_DATA). */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DATA_ROOT = process.env.FLOWBENCH_DATA ?? path.resolve(repoRoot, '../shared/data');
export const CWRU_DIR = path.join(DATA_ROOT, 'cwru');
export const hasCwru = existsSync(path.join(CWRU_DIR, 'LABELS.csv'));
if (!hasCwru) console.warn(`[data tests] real CWRU data not found at ${CWRU_DIR}: CWRU tests are skipped (set FLOWBENCH_DATA)`);

export function tempDir(tag: string): string {
  return mkdtempSync(path.join(tmpdir(), `flowbench-${tag}-`));
}
