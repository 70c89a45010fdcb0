/**
 * Where the app's Sample button writes (`<run dir>/samples/samples-<time>.csv`, never over an
 * earlier file) and the first windows read back from such a CSV for the run page to draw.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function samplesPath(runDir: string, now = new Date()): string {
  const base = path.join(runDir, 'samples', `samples-${now.toISOString().replace(/[:.]/g, '-')}`);
  let file = `${base}.csv`;
  for (let k = 2; existsSync(file); k++) file = `${base}-${k}.csv`;
  return file;
}

/** Channel 0 of the first `max` windows of a CSV written by data/writers.ts (`# key: value` lines, header, window,channel,s0…). */
export function firstWindows(file: string, max: number): number[][] {
  const out: number[][] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (out.length >= max) break;
    if (line === '' || line.startsWith('#') || line.startsWith('window,')) continue;
    const cells = line.split(',');
    if (cells[1] !== '0') continue;
    out.push(cells.slice(2).map(Number));
  }
  return out;
}
