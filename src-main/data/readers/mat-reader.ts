import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { DataError } from '../errors.js';
import { hasHdf5Signature, openHdf5 } from './hdf5-reader.js';
import { type MatV5Options, type MatVariable, matV5Endianness, readMatV5 } from './mat-v5-reader.js';

export type { MatVariable } from './mat-v5-reader.js';

export type MatVersion = 'v4' | 'v5' | 'v7.3' | 'unknown';

/**
 * Which MAT format a file header announces.
 * @param head the first 128+ bytes of the file
 */
export function detectMatVersion(head: Uint8Array): MatVersion {
  const text = new TextDecoder('latin1').decode(head.subarray(0, Math.min(116, head.length)));
  if (text.startsWith('MATLAB 7.3')) return 'v7.3';
  if (matV5Endianness(head) !== null) return 'v5';
  if (looksLikeV4(head)) return 'v4';
  return 'unknown';
}

/** A v4 file starts with five int32s; the first, MOPT, decodes to M<=4, O=0, P<=5, T<=2. */
function looksLikeV4(head: Uint8Array): boolean {
  if (head.length < 20) return false;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  for (const le of [true, false]) {
    const mopt = view.getInt32(0, le);
    const namlen = view.getInt32(16, le);
    if (mopt < 0 || mopt >= 5000) continue;
    const m = Math.floor(mopt / 1000), o = Math.floor(mopt / 100) % 10, p = Math.floor(mopt / 10) % 10, t = mopt % 10;
    if (m <= 4 && o === 0 && p <= 5 && t <= 2 && namlen > 0 && namlen < 4096) return true;
  }
  return false;
}

function readHead(path: string, n: number): Uint8Array {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (code ?? String(cause));
    throw new DataError(`${path}: cannot open MAT file (${why})`, { file: path, cause });
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Read every top-level variable of a MATLAB MAT file (v5/v6/v7 by hand, v7.3 via HDF5).
 * @throws DataError for missing, empty, truncated, v4 or non-MAT files
 */
export async function readMatFile(path: string, opts: MatV5Options = {}): Promise<MatVariable[]> {
  const head = readHead(path, 128);
  if (head.length === 0) throw new DataError(`${path}: the file is empty (0 bytes); expected a MATLAB MAT file`, { file: path });
  const version = detectMatVersion(head);
  if (version === 'v7.3' || (version === 'unknown' && statSync(path).size > 520 && hasHdf5Signature(path))) {
    return readMatV73(path);
  }
  if (version === 'v4') {
    throw new DataError(`${path}: MATLAB v4 MAT files are not supported; re-save it in MATLAB with save(..., '-v7') or in Python with scipy.io.savemat (format='5')`, { file: path });
  }
  if (version === 'unknown') {
    throw new DataError(
      `${path}: not a MATLAB MAT file (${head.length < 128 ? `only ${head.length} bytes; a MAT header alone is 128` : "no 'MATLAB 5.0'/'MATLAB 7.3' header and no 'IM'/'MI' endian mark"}); valid: MAT v5, v6, v7 or v7.3`,
      { file: path },
    );
  }
  return readMatV5(readFileSync(path), path, opts);
}

/**
 * v7.3 files are HDF5: each top-level variable is a dataset (or a group, for structs, whose
 * fields are its datasets: `x/gs` is read as `x.gs`) with a MATLAB_class attribute. MATLAB writes column-major data as the reversed shape,
 * so the HDF5 row-major buffer is already MATLAB's column-major order.
 */
async function readMatV73(path: string): Promise<MatVariable[]> {
  if (!hasHdf5Signature(path)) {
    throw new DataError(`${path}: header says MATLAB 7.3 but no HDF5 signature follows at byte 512; the file is truncated or corrupt`, { file: path });
  }
  const h5 = await openHdf5(path);
  try {
    const out: MatVariable[] = [];
    for (const info of h5.list()) {
      // #refs# (cell contents) and #subsystem# are MATLAB's bookkeeping; a struct's fields are
      // datasets in its group, named var.field as in v5 files.
      if (info.path.startsWith('#') || info.path.includes('/#')) continue;
      const name = info.path.replace(/^\//, '').replace(/\//g, '.');
      const attrs = h5.attributes(info.path);
      const cls = typeof attrs.MATLAB_class === 'string' ? attrs.MATLAB_class : 'unknown';
      const dims = info.shape.length === 0 ? [1, 1] : [...info.shape].reverse();
      const numeric = (cls !== 'char' && cls !== 'cell' && cls !== 'struct' && cls !== 'unknown') && attrs.MATLAB_empty === undefined;
      let data: Float64Array | null = null;
      if (numeric && info.dtype !== 'compound' && info.dtype !== 'string' && info.dtype !== 'other') {
        const arr = h5.read(info.path).data;
        data = arr instanceof Float64Array ? arr : Float64Array.from(arr);
      }
      // Complex v7.3 data is a compound {real, imag}; listed but not decoded here.
      out.push({ name, className: cls, dims, data, complex: info.dtype === 'compound' });
    }
    return out;
  } finally {
    h5.close();
  }
}
