import { stringify } from 'csv-stringify/sync';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataError } from './errors.js';
import { loadH5wasm } from './readers/h5wasm-module.js';

/**
 * Export prepared windows. x is [n, length, channels] row-major (the WindowSet layout):
 * x[(i * length + t) * channels + c] is window i, time step t, channel c.
 * Both writers create the parent folder and write a temp file, then rename, so a reader
 * never sees a half-written file.
 */

export type WindowMeta = Record<string, string | number>;

function checkShape(path: string, x: Float32Array, n: number, length: number, channels: number): void {
  for (const [key, v] of [['n', n], ['length', length], ['channels', channels]] as const) {
    if (!Number.isInteger(v) || v < (key === 'n' ? 0 : 1)) {
      throw new DataError(`${path}: ${key} = ${v} is not valid; expected an integer >= ${key === 'n' ? 0 : 1}`, { file: path, key, value: v });
    }
  }
  if (x.length !== n * length * channels) {
    throw new DataError(`${path}: x has ${x.length} values but n·length·channels = ${n}·${length}·${channels} = ${n * length * channels}`, { file: path, key: 'x', value: x.length });
  }
}

function checkMeta(path: string, meta: WindowMeta): void {
  for (const [k, v] of Object.entries(meta)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(k)) {
      throw new DataError(`${path}: meta key '${k}' is not valid; use letters, digits, '_', '.', '-' (starting with a letter or '_')`, { file: path, key: k });
    }
    if (typeof v === 'number' ? !Number.isFinite(v) : typeof v !== 'string' || /[\r\n]/.test(v)) {
      throw new DataError(`${path}: meta '${k}' = ${JSON.stringify(v)} is not valid; expected a finite number or a one-line string`, { file: path, key: k, value: v });
    }
  }
}

function tempPath(path: string): string {
  return `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Shortest decimal that reads back as exactly the same float32. */
export function formatFloat32(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  for (let p = 6; p < 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(Number(v.toPrecision(9)));
}

/**
 * Windows as CSV. Layout:
 *   # key: value          one comment line per meta entry (plus n, length, channels)
 *   window,channel,s0,…,s{length-1}
 *   0,0,<length values>   one row per window and channel, windows outer, channels inner
 * Values are float32 written with the fewest digits that read back exactly.
 */
export function writeWindowsCsv(path: string, x: Float32Array, n: number, length: number, channels: number, meta: WindowMeta): void {
  checkShape(path, x, n, length, channels);
  checkMeta(path, meta);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  const fd = openSync(tmp, 'w');
  try {
    const head: string[] = [];
    for (const [k, v] of Object.entries({ ...meta, n, length, channels })) head.push(`# ${k}: ${v}`);
    const cols = ['window', 'channel'];
    for (let t = 0; t < length; t++) cols.push(`s${t}`);
    writeSync(fd, head.join('\n') + '\n' + stringify([cols]));
    for (let i = 0; i < n; i++) {
      const rows: string[][] = [];
      for (let c = 0; c < channels; c++) {
        const row: string[] = new Array(length + 2);
        row[0] = String(i);
        row[1] = String(c);
        const base = i * length * channels + c;
        for (let t = 0; t < length; t++) row[t + 2] = formatFloat32(x[base + t * channels]!);
        rows.push(row);
      }
      writeSync(fd, stringify(rows));
    }
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (cause) {
    try { closeSync(fd); } catch { /* already closed */ }
    rmSync(tmp, { force: true });
    if (cause instanceof DataError) throw cause;
    throw new DataError(`${path}: cannot write windows CSV (${String(cause)})`, { file: path, cause });
  }
}

/**
 * Windows as HDF5: dataset `windows` float32 shaped [n, length, channels], with each meta
 * entry as an attribute of that dataset (numbers as float64, strings as strings).
 */
export async function writeWindowsH5(path: string, x: Float32Array, n: number, length: number, channels: number, meta: WindowMeta): Promise<void> {
  checkShape(path, x, n, length, channels);
  checkMeta(path, meta);
  mkdirSync(dirname(path), { recursive: true });
  const h5wasm = await loadH5wasm();
  const tmp = tempPath(path);
  try {
    const f = new h5wasm.File(tmp, 'w');
    try {
      const ds = f.create_dataset({ name: 'windows', data: x, shape: [n, length, channels], dtype: '<f' });
      for (const [k, v] of Object.entries(meta)) ds.create_attribute(k, v);
    } finally {
      f.close();
    }
    renameSync(tmp, path);
  } catch (cause) {
    rmSync(tmp, { force: true });
    throw new DataError(`${path}: cannot write windows HDF5 (${String(cause)})`, { file: path, cause });
  }
}
