/**
 * Where the real data is for tests: FLOWBENCH_DATA or ../shared/data beside the repo.
 * Tests that need it skip with a visible message when it is absent.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';

export const dataRoot = path.resolve(process.env.FLOWBENCH_DATA ?? path.join(repoRoot, '..', 'shared', 'data'));
export const cwruDir = path.join(dataRoot, 'cwru');
export const hasCwru = existsSync(path.join(cwruDir, 'LABELS.csv'));

if (!hasCwru) {
  console.warn(`[flowbench tests] real CWRU data not found at ${cwruDir}: tests that need it are SKIPPED (set FLOWBENCH_DATA).`);
}
