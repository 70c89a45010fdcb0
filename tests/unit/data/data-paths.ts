/** Where the real test data lives (shared/data beside the repo, or FLOWBENCH_DATA). */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
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

/**
 * A manifest that declares a CWRU normal recording at 12 kHz, as the shared LABELS.csv did
 * before 2026-12-04 (CWRU recorded its normal baseline at 48 kHz): two tiny CSV signals,
 * `normal.csv` (normal) and `ir.csv` (inner_race), both declared 12000 Hz. Returns the folder.
 */
export function manifestDeclaringNormalAt12k(tag: string): string {
  const dir = tempDir(tag);
  const wave = (f: number): string => 'a\n' + Array.from({ length: 2048 }, (_, i) => Math.sin((2 * Math.PI * f * i) / 12000).toFixed(6)).join('\n');
  writeFileSync(path.join(dir, 'normal.csv'), wave(100));
  writeFileSync(path.join(dir, 'ir.csv'), wave(160));
  writeFileSync(path.join(dir, 'LABELS.csv'), 'path,label,domain,fs_hz,dataset\nnormal.csv,normal,load_0HP,12000,CWRU\nir.csv,inner_race,load_0HP,12000,CWRU\n');
  return dir;
}

export const IMS_DIR = path.join(DATA_ROOT, 'ims');
export const hasIms = existsSync(path.join(IMS_DIR, '1st_test'));
if (!hasIms) console.warn(`[data tests] real IMS data not found at ${IMS_DIR}: IMS tests are skipped (set FLOWBENCH_DATA)`);
