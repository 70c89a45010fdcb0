import { DataError } from '../errors.js';
import { readCsvFile } from './csv-reader.js';
import { openHdf5 } from './hdf5-reader.js';

/** Windows read back from writeWindowsCsv / writeWindowsH5; x is [n, length, channels] row-major. */
export interface WindowsFile {
  x: Float32Array;
  n: number;
  length: number;
  channels: number;
  /** Meta entries; values that look numeric come back as numbers. */
  meta: Record<string, string | number>;
}

/** Read a CSV written by writeWindowsCsv (rows: window, channel, s0..s{L-1}). */
export function readWindowsCsv(path: string): WindowsFile {
  const table = readCsvFile(path);
  if (table.names[0] !== 'window' || table.names[1] !== 'channel' || table.columns.length < 3) {
    throw new DataError(`${path}: not a windows CSV; expected a header 'window,channel,s0,…' (as written by writeWindowsCsv), got '${table.names.slice(0, 3).join(',')}'`, { file: path });
  }
  const [win, chan] = table.columns as [Float64Array, Float64Array];
  const length = table.columns.length - 2;
  const rows = win.length;
  let n = 0, channels = 0;
  for (let r = 0; r < rows; r++) { n = Math.max(n, win[r]! + 1); channels = Math.max(channels, chan[r]! + 1); }
  if (n * channels !== rows) {
    throw new DataError(`${path}: ${rows} rows do not cover ${n} windows × ${channels} channels exactly; each (window, channel) pair needs one row`, { file: path });
  }
  const x = new Float32Array(n * length * channels);
  for (let r = 0; r < rows; r++) {
    const base = win[r]! * length * channels + chan[r]!;
    for (let t = 0; t < length; t++) x[base + t * channels] = table.columns[t + 2]![r]!;
  }
  const meta: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(table.meta)) {
    if (k === 'n' || k === 'length' || k === 'channels') continue;
    meta[k] = v !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return { x, n, length, channels, meta };
}

/** Read an HDF5 file written by writeWindowsH5 (dataset `windows` [n, length, channels]). */
export async function readWindowsH5(path: string): Promise<WindowsFile> {
  const h5 = await openHdf5(path);
  try {
    const info = h5.list().find((d) => d.path === 'windows');
    if (!info || info.shape.length !== 3) {
      throw new DataError(`${path}: expected a dataset 'windows' shaped [n, length, channels] (as written by writeWindowsH5)`, { file: path, key: 'windows' });
    }
    const [n, length, channels] = info.shape as [number, number, number];
    const data = n === 0 ? new Float32Array(0) : h5.read('windows').data;
    return { x: data instanceof Float32Array ? data : new Float32Array(data), n, length, channels, meta: h5.attributes('windows') };
  } finally {
    h5.close();
  }
}
