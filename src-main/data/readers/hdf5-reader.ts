import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { DataError, listNames } from '../errors.js';
import { limitEnvName, limits } from '../limits.js';
import { loadH5wasm } from './h5wasm-module.js';

/**
 * HDF5 access through h5wasm (the HDF5 C library compiled to wasm; in Node it reads the
 * file on disk directly, so a sliced read touches only the rows asked for).
 * PHM-Vibench layout: one dataset per str(Id), shaped (L, C) or (L, C, 1).
 */

export interface Hdf5DatasetInfo {
  /** Path without the leading slash, e.g. "7" or "group/signal". */
  path: string;
  shape: number[];
  /** 'float32' | 'float64' | 'int16' | 'uint8' | … | 'string' | 'compound' | 'other' */
  dtype: string;
}

/** A numeric block in row-major (C) order; length = prod(shape). */
export interface Hdf5Array {
  shape: number[];
  data: Float32Array | Float64Array;
}

export type AttributeValue = string | number;

export interface Hdf5File {
  readonly file: string;
  /** Every dataset in the file (groups walked recursively), in key order. */
  list(): Hdf5DatasetInfo[];
  /** The whole dataset. */
  read(name: string): Hdf5Array;
  /** Rows [start, end) along the first axis, read lazily. */
  readRows(name: string, start: number, end: number): Hdf5Array;
  /** Scalar string/number attributes of a dataset (or of the root with name '' or '/'). */
  attributes(name?: string): Record<string, AttributeValue>;
  close(): void;
}

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** HDF5 puts its signature at 0, 512, 1024, 2048 … (after an optional user block). */
export function hasHdf5Signature(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const buf = Buffer.alloc(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      readSync(fd, buf, 0, 8, offset);
      if (HDF5_SIGNATURE.every((b, i) => buf[i] === b)) return true;
      if (offset >= 1 << 20) break;
    }
    return false;
  } finally {
    closeSync(fd);
  }
}

function dtypeName(meta: { type: number; size: number; signed: boolean }): string {
  // h5wasm type codes follow H5T_class_t: 0 integer, 1 float, 3 string, 6 compound.
  if (meta.type === 0) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}`;
  if (meta.type === 1) return `float${meta.size * 8}`;
  if (meta.type === 3) return 'string';
  if (meta.type === 6) return 'compound';
  return 'other';
}

function toNumeric(value: unknown, file: string, name: string, dtype: string): Float32Array | Float64Array {
  if (value instanceof Float32Array || value instanceof Float64Array) return value;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const src = value as unknown as ArrayLike<number | bigint>;
    const out = new Float64Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
    return out;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return new Float64Array([Number(value)]);
  throw new DataError(`${file}: dataset '${name}' has dtype ${dtype}; only numeric datasets (integer or float) can be read as signals`, { file, key: name, value: dtype });
}

/** The innermost reason of an HDF5 error stack ("truncated file: eof = 3000, …"), else the message. */
export function hdf5Reason(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  const reasons = [...text.matchAll(/#\d+: .* in [\w.]+\(\): (.*)$/gm)].map((m) => m[1]!.trim());
  return reasons.at(-1) ?? text.split('\n')[0]!;
}

/**
 * Open an HDF5 file for reading.
 * @throws DataError when the file is missing or is not HDF5
 */
export async function openHdf5(path: string): Promise<Hdf5File> {
  let isHdf5: boolean;
  try {
    isHdf5 = hasHdf5Signature(path);
  } catch (cause) {
    throw new DataError(`${path}: cannot open file (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, { file: path, cause });
  }
  // Checked here because h5wasm, handed a non-HDF5 file, prints library diagnostics and throws an unhelpful error.
  if (!isHdf5) throw new DataError(`${path}: not an HDF5 file (no HDF5 signature at byte 0, 512, 1024, …); expected a .h5/.hdf5 file`, { file: path });
  const h5wasm = await loadH5wasm();
  let h5: InstanceType<typeof h5wasm.File>;
  try {
    h5 = new h5wasm.File(path, 'r');
  } catch (cause) {
    throw new DataError(`${path}: HDF5 library could not open the file (${hdf5Reason(cause)}); the file is truncated or corrupt`, { file: path, cause });
  }
  let closed = false;
  // Bytes this file may still allocate for values (stored + decoded as float64), in total:
  // a chunked dataset's shape can claim far more than the file holds.
  let budget = limits().maxDecompressedMb * 2 ** 20;
  const spend = (name: string, elements: number, itemSize: number): void => {
    const bytes = elements * (itemSize + 8);
    if (bytes > budget) {
      throw new DataError(
        `${path}: reading dataset '${name}' (${elements} values) would take the file past ${limits().maxDecompressedMb} MiB ` +
          `(the maxDecompressedMb limit); the file is corrupt, hostile, or larger than the reader accepts ` +
          `(raise the limit with ${limitEnvName('maxDecompressedMb')} if it is genuine)`,
        { file: path, key: name, value: elements },
      );
    }
    budget -= bytes;
  };
  /** h5wasm's own errors ("name not defined!") say nothing of the file: name it. */
  const guarded = <T>(what: string, fn: () => T): T => {
    try {
      return fn();
    } catch (cause) {
      if (cause instanceof DataError) throw cause;
      throw new DataError(`${path}: HDF5 library failed ${what} (${hdf5Reason(cause)}); the file is truncated or corrupt`, { file: path, cause });
    }
  };

  const datasets = (): Hdf5DatasetInfo[] => {
    const out: Hdf5DatasetInfo[] = [];
    const walk = (group: InstanceType<typeof h5wasm.Group>, prefix: string): void => {
      for (const key of group.keys()) {
        const entity = group.get(key);
        const path = prefix ? `${prefix}/${key}` : key;
        if (entity instanceof h5wasm.Dataset) {
          out.push({ path, shape: entity.shape ?? [], dtype: dtypeName(entity.metadata) });
        } else if (entity instanceof h5wasm.Group) {
          walk(entity, path);
        }
      }
    };
    guarded('listing the datasets', () => walk(h5, ''));
    return out;
  };

  const dataset = (name: string): InstanceType<typeof h5wasm.Dataset> => {
    if (closed) throw new DataError(`${path}: file is closed; open it again to read '${name}'`, { file: path, key: name });
    const clean = name.replace(/^\/+/, '');
    const entity = clean === '' ? null : guarded(`opening '${name}'`, () => h5.get(clean));
    if (!(entity instanceof h5wasm.Dataset)) {
      throw new DataError(`${path}: no dataset '${name}'; available: ${listNames(datasets().map((d) => d.path))}`, { file: path, key: name });
    }
    return entity;
  };

  return {
    file: path,
    list: datasets,
    read(name) {
      const ds = dataset(name);
      const shape = ds.shape ?? [];
      spend(name, shape.reduce((a, b) => a * b, 1), ds.metadata.size);
      return { shape, data: toNumeric(guarded(`reading '${name}'`, () => ds.value), path, name, dtypeName(ds.metadata)) };
    },
    readRows(name, start, end) {
      const ds = dataset(name);
      const shape = ds.shape ?? [];
      const rows = shape[0] ?? 1;
      if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > rows || start > end) {
        // Checked here: h5wasm turns an out-of-range slice into a negative allocation.
        throw new DataError(`${path}: rows [${start}, ${end}) of dataset '${name}' are out of range; valid: integers with 0 <= start <= end <= ${rows}`, { file: path, key: name, value: [start, end] });
      }
      const outShape = [end - start, ...shape.slice(1)];
      if (end === start) return { shape: outShape, data: new Float64Array(0) };
      spend(name, outShape.reduce((a, b) => a * b, 1), ds.metadata.size);
      const value = guarded(`reading rows [${start}, ${end}) of '${name}'`, () => (shape.length === 0 ? ds.value : ds.slice([[start, end]])));
      return { shape: outShape, data: toNumeric(value, path, name, dtypeName(ds.metadata)) };
    },
    attributes(name = '') {
      const target = name === '' || name === '/' ? h5 : dataset(name);
      const out: Record<string, AttributeValue> = {};
      for (const [key, attr] of Object.entries(target.attrs)) {
        const v = attr.value;
        if (typeof v === 'string' || typeof v === 'number') out[key] = v;
        else if (typeof v === 'bigint') out[key] = Number(v);
        else if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length === 1) out[key] = Number((v as unknown as ArrayLike<number>)[0]);
      }
      return out;
    },
    close() {
      if (!closed) h5.close();
      closed = true;
    },
  };
}
