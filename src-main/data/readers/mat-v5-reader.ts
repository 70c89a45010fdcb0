import { inflateSync } from 'node:zlib';
import { DataError } from '../errors.js';
import { limitEnvName, limits } from '../limits.js';

/**
 * MATLAB Level-5 MAT-file reader (also v6/v7: v7 only adds miCOMPRESSED elements).
 * Layout (MathWorks "MAT-File Format", 2019): a 128-byte header (116 bytes of text,
 * 8 bytes subsystem offset, 2 bytes version, 2 bytes endian indicator 'IM' little /
 * 'MI' big), then data elements: an 8-byte tag (type, byte count) or a 4-byte
 * "small element" tag, the payload, padding to 8 bytes.
 */

/**
 * One variable. Numeric and logical data are decoded; others are listed only. The fields of
 * a 1×1 struct follow their struct as variables of their own, named `var.field` (nested:
 * `var.a.b`), so a signal and its rate kept in a struct (`x.gs`, `x.sr`) can be addressed.
 */
export interface MatVariable {
  /** `name`, or `struct.field` for a field of a 1×1 struct. */
  name: string;
  /** 'double' | 'single' | 'int8' … 'uint64' | 'logical' | 'char' | 'cell' | 'struct' | 'object' | 'sparse' | … */
  className: string;
  /** MATLAB dimensions, e.g. [122571, 1] for a column vector. */
  dims: number[];
  /** Real part in column-major (MATLAB) order, length prod(dims); null when not decoded. */
  data: Float64Array | null;
  /** True when the variable had an imaginary part (dropped; `data` holds the real part). */
  complex: boolean;
  /** A struct's field names (listed in errors; a struct array's fields are not read). */
  fields?: string[];
}

export interface MatV5Options {
  /**
   * Ceiling on everything one file may decompress plus the variables it decodes (bytes), in
   * total: a guard against zip bombs, which repeat many small elements. Default: the
   * maxDecompressedMb limit (data/limits.ts).
   */
  maxInflatedBytes?: number;
}

/** Bytes left of a file's decompression budget; refuses naming the file and the limit. */
class Budget {
  private used = 0;
  constructor(readonly max: number, private readonly file: string) {}
  get left(): number {
    return this.max - this.used;
  }
  take(bytes: number, what: string): void {
    if (bytes > this.left) throw this.exceeded(what);
    this.used += bytes;
  }
  exceeded(what: string, cause?: unknown): DataError {
    return new DataError(
      `${this.file}: ${what} would take the file past ${Math.round(this.max / 2 ** 20)} MiB decompressed ` +
        `(the maxDecompressedMb limit); the file is corrupt, hostile, or larger than the reader accepts ` +
        `(raise the limit with ${limitEnvName('maxDecompressedMb')} if it is genuine)`,
      { file: this.file, value: this.max, cause },
    );
  }
}

const MI = {
  INT8: 1, UINT8: 2, INT16: 3, UINT16: 4, INT32: 5, UINT32: 6, SINGLE: 7, DOUBLE: 9,
  INT64: 12, UINT64: 13, MATRIX: 14, COMPRESSED: 15, UTF8: 16, UTF16: 17, UTF32: 18,
} as const;

/** Bytes per element of each numeric storage type. */
const ELEMENT_SIZE: Record<number, number> = {
  [MI.INT8]: 1, [MI.UINT8]: 1, [MI.INT16]: 2, [MI.UINT16]: 2, [MI.INT32]: 4, [MI.UINT32]: 4,
  [MI.SINGLE]: 4, [MI.DOUBLE]: 8, [MI.INT64]: 8, [MI.UINT64]: 8, [MI.UTF8]: 1,
};

const CLASS_NAMES: Record<number, string> = {
  1: 'cell', 2: 'struct', 3: 'object', 4: 'char', 5: 'sparse', 6: 'double', 7: 'single',
  8: 'int8', 9: 'uint8', 10: 'int16', 11: 'uint16', 12: 'int32', 13: 'uint32', 14: 'int64',
  15: 'uint64', 16: 'function', 17: 'opaque',
};
const NUMERIC_CLASSES = new Set([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);

const FLAG_COMPLEX = 0x0800;
const FLAG_LOGICAL = 0x0200;

interface Element {
  type: number;
  /** Payload start and length inside the buffer. */
  start: number;
  length: number;
  /** Where the next element starts. */
  next: number;
}

/** Read a tag at `pos` in a region ending at `end`; refuses payloads that run past `end`. */
function readTag(view: DataView, le: boolean, pos: number, end: number, file: string, where: string): Element {
  if (pos + 8 > end) {
    if (pos + 4 <= end) {
      const word = view.getUint32(pos, le);
      if (word >>> 16 !== 0) return smallElement(word, pos, end, file, where);
    }
    throw new DataError(`${file}: truncated MAT file: ${where} needs an 8-byte tag at byte ${pos}, but only ${Math.max(0, end - pos)} bytes remain`, { file });
  }
  const word = view.getUint32(pos, le);
  // Small element format: byte count in the upper 16 bits, type in the lower, payload in 4 bytes.
  if (word >>> 16 !== 0) return smallElement(word, pos, end, file, where);
  const length = view.getUint32(pos + 4, le);
  const start = pos + 8;
  if (length > end - start) {
    throw new DataError(
      `${file}: truncated or corrupt MAT file: ${where} at byte ${pos} claims ${length} bytes but only ${end - start} remain`,
      { file, value: length },
    );
  }
  // miCOMPRESSED payloads are not padded; everything else is padded to 8 bytes.
  const padded = word === MI.COMPRESSED ? length : Math.ceil(length / 8) * 8;
  return { type: word, start, length, next: Math.min(end, start + padded) };
}

function smallElement(word: number, pos: number, end: number, file: string, where: string): Element {
  const length = word >>> 16;
  if (length > 4) {
    throw new DataError(`${file}: corrupt MAT file: ${where} at byte ${pos} is a small element claiming ${length} bytes (at most 4 are valid)`, { file, value: length });
  }
  if (pos + 4 + length > end) {
    throw new DataError(`${file}: truncated MAT file: ${where} at byte ${pos} is cut off`, { file });
  }
  return { type: word & 0xffff, start: pos + 4, length, next: Math.min(end, pos + 8) };
}

/** Decode `count` elements of storage type `type` into a Float64Array (int64 loses precision above 2^53). */
function decodeNumeric(view: DataView, le: boolean, el: Element, dims: number[], file: string, name: string, budget: Budget): Float64Array {
  // Product in floating point so a huge claim cannot overflow to a small number.
  const count = dims.reduce((a, b) => a * b, 1);
  const size = ELEMENT_SIZE[el.type];
  if (size === undefined || el.type === MI.UTF8) {
    throw new DataError(`${file}: variable '${name}' stores its values as MAT type ${el.type}; valid numeric storage types are miINT8..miUINT64, miSINGLE, miDOUBLE`, { file, key: name, value: el.type });
  }
  // Check before allocating: a corrupt dimension must not become a giant allocation.
  if (count * size > el.length) {
    throw new DataError(
      `${file}: variable '${name}' has dimensions ${dims.join('×')} (${count} elements, ${count * size} bytes) but its data holds only ${el.length} bytes; the file is corrupt`,
      { file, key: name, value: count },
    );
  }
  budget.take(count * 8, `decoding variable '${name}' (${dims.join('×')})`);
  const out = new Float64Array(count);
  const p = el.start;
  switch (el.type) {
    case MI.DOUBLE: for (let i = 0; i < count; i++) out[i] = view.getFloat64(p + 8 * i, le); break;
    case MI.SINGLE: for (let i = 0; i < count; i++) out[i] = view.getFloat32(p + 4 * i, le); break;
    case MI.INT8: for (let i = 0; i < count; i++) out[i] = view.getInt8(p + i); break;
    case MI.UINT8: for (let i = 0; i < count; i++) out[i] = view.getUint8(p + i); break;
    case MI.INT16: for (let i = 0; i < count; i++) out[i] = view.getInt16(p + 2 * i, le); break;
    case MI.UINT16: for (let i = 0; i < count; i++) out[i] = view.getUint16(p + 2 * i, le); break;
    case MI.INT32: for (let i = 0; i < count; i++) out[i] = view.getInt32(p + 4 * i, le); break;
    case MI.UINT32: for (let i = 0; i < count; i++) out[i] = view.getUint32(p + 4 * i, le); break;
    case MI.INT64: for (let i = 0; i < count; i++) out[i] = Number(view.getBigInt64(p + 8 * i, le)); break;
    case MI.UINT64: for (let i = 0; i < count; i++) out[i] = Number(view.getBigUint64(p + 8 * i, le)); break;
  }
  return out;
}

/** Nested structs deeper than this are listed, not read (a guard against hostile recursion). */
const MAX_STRUCT_DEPTH = 8;

/**
 * Parse one miMATRIX payload (array flags, dimensions, name, real [, imaginary] part); a 1×1
 * struct's fields follow it, named `prefix.field`. `fieldName` names a struct field (whose own
 * name is empty in the file).
 */
function readMatrix(
  view: DataView, le: boolean, el: Element, file: string, bytes: Uint8Array, budget: Budget,
  fieldName: string | null = null, depth = 0,
): MatVariable[] {
  if (el.length === 0) return []; // an empty miMATRIX is legal and carries nothing
  const end = el.start + el.length;
  const flagsEl = readTag(view, le, el.start, end, file, 'array flags');
  if (flagsEl.type !== MI.UINT32 || flagsEl.length < 8) {
    throw new DataError(`${file}: corrupt MAT file: array flags at byte ${el.start} have type ${flagsEl.type} and ${flagsEl.length} bytes (expected miUINT32, 8 bytes)`, { file });
  }
  const flags = view.getUint32(flagsEl.start, le);
  const classId = flags & 0xff;
  const complex = (flags & FLAG_COMPLEX) !== 0;
  const logical = (flags & FLAG_LOGICAL) !== 0;

  if (classId === 17) {
    // mxOPAQUE (function handles, classdef objects) has no dimensions: name, then opaque payload.
    const nameOnly = readTag(view, le, flagsEl.next, end, file, 'array name');
    const name = fieldName ?? new TextDecoder('latin1').decode(bytes.subarray(nameOnly.start, nameOnly.start + nameOnly.length)).replace(/\0+$/, '');
    return [{ name, className: 'opaque', dims: [], data: null, complex }];
  }
  const dimsEl = readTag(view, le, flagsEl.next, end, file, 'dimensions');
  if (dimsEl.type !== MI.INT32 || dimsEl.length < 8 || dimsEl.length % 4 !== 0) {
    throw new DataError(`${file}: corrupt MAT file: dimensions at byte ${flagsEl.next} have type ${dimsEl.type} and ${dimsEl.length} bytes (expected miINT32, at least 2 dimensions)`, { file });
  }
  const dims: number[] = [];
  for (let i = 0; i < dimsEl.length / 4; i++) {
    const d = view.getInt32(dimsEl.start + 4 * i, le);
    if (d < 0) throw new DataError(`${file}: corrupt MAT file: negative dimension ${d} at byte ${dimsEl.start + 4 * i}`, { file, value: d });
    dims.push(d);
  }

  const nameEl = readTag(view, le, dimsEl.next, end, file, 'array name');
  if (nameEl.type !== MI.INT8 && nameEl.type !== MI.UINT8 && nameEl.type !== MI.UTF8) {
    throw new DataError(`${file}: corrupt MAT file: array name at byte ${dimsEl.next} has type ${nameEl.type} (expected miINT8)`, { file });
  }
  const name = fieldName ?? new TextDecoder('latin1').decode(bytes.subarray(nameEl.start, nameEl.start + nameEl.length)).replace(/\0+$/, '');
  const className = logical ? 'logical' : (CLASS_NAMES[classId] ?? `class${classId}`);
  const variable: MatVariable = { name, className, dims, data: null, complex };
  if (classId === 2) return readStruct(view, le, variable, nameEl.next, end, file, bytes, budget, depth);
  if (!NUMERIC_CLASSES.has(classId)) return [variable]; // char/cell/sparse/object: listed, not decoded

  const realEl = readTag(view, le, nameEl.next, end, file, `real part of '${name}'`);
  variable.data = decodeNumeric(view, le, realEl, dims, file, name, budget);
  return [variable];
}

/**
 * A struct after its name: field name length (miINT32), the names (miINT8, each padded to that
 * length), then one miMATRIX per field per element, column-major. Only a 1×1 struct's fields are
 * read (as `name.field`); a struct array, or one nested too deep, is listed with its field names.
 */
function readStruct(
  view: DataView, le: boolean, variable: MatVariable, pos: number, end: number, file: string,
  bytes: Uint8Array, budget: Budget, depth: number,
): MatVariable[] {
  const where = `struct '${variable.name}'`;
  if (pos >= end) return [variable]; // no field information: a struct without fields
  const lenEl = readTag(view, le, pos, end, file, `field name length of ${where}`);
  if (lenEl.type !== MI.INT32 || lenEl.length !== 4) {
    throw new DataError(`${file}: corrupt MAT file: field name length of ${where} at byte ${pos} has type ${lenEl.type} and ${lenEl.length} bytes (expected miINT32, 4 bytes)`, { file, key: variable.name });
  }
  const nameLen = view.getInt32(lenEl.start, le);
  const namesEl = readTag(view, le, lenEl.next, end, file, `field names of ${where}`);
  if (nameLen <= 0 || namesEl.length % nameLen !== 0) {
    throw new DataError(`${file}: corrupt MAT file: field names of ${where} take ${namesEl.length} bytes, not a multiple of the field name length ${nameLen}`, { file, key: variable.name });
  }
  const fields: string[] = [];
  for (let k = 0; k < namesEl.length / nameLen; k++) {
    const at = namesEl.start + k * nameLen;
    fields.push(new TextDecoder('latin1').decode(bytes.subarray(at, at + nameLen)).replace(/\0.*$/s, ''));
  }
  variable.fields = fields;
  const elements = variable.dims.reduce((a, b) => a * b, 1);
  if (elements !== 1 || depth >= MAX_STRUCT_DEPTH) return [variable];
  const out: MatVariable[] = [variable];
  let p = namesEl.next;
  for (const field of fields) {
    const fieldEl = readTag(view, le, p, end, file, `field '${field}' of ${where}`);
    if (fieldEl.type !== MI.MATRIX) {
      throw new DataError(`${file}: corrupt MAT file: field '${field}' of ${where} at byte ${p} has type ${fieldEl.type} (expected miMATRIX)`, { file, key: `${variable.name}.${field}` });
    }
    out.push(...readMatrix(view, le, fieldEl, file, bytes, budget, `${variable.name}.${field}`, depth + 1));
    p = fieldEl.next;
  }
  return out;
}

/** Returns the endianness of a Level-5 header ('IM' little, 'MI' big) or null when it is not one. */
export function matV5Endianness(bytes: Uint8Array): 'little' | 'big' | null {
  if (bytes.length < 128) return null;
  const a = bytes[126], b = bytes[127];
  if (a === 0x49 && b === 0x4d) return 'little'; // 'IM'
  if (a === 0x4d && b === 0x49) return 'big'; // 'MI'
  return null;
}

/**
 * Parse a whole Level-5 MAT file held in memory.
 * @param bytes the file's bytes
 * @param file  the path, used in error messages only
 * @returns every top-level variable, in file order
 */
export function readMatV5(bytes: Uint8Array, file: string, opts: MatV5Options = {}): MatVariable[] {
  if (bytes.length === 0) throw new DataError(`${file}: the file is empty (0 bytes); expected a MATLAB MAT file`, { file });
  const endian = matV5Endianness(bytes);
  if (endian === null) {
    throw new DataError(
      `${file}: not a MATLAB Level-5 MAT file (${bytes.length < 128 ? `only ${bytes.length} bytes, the header alone is 128` : "no 'IM'/'MI' endian indicator at bytes 126-127"}); valid: MAT v5/v6/v7 or v7.3 files saved by MATLAB or scipy.io.savemat`,
      { file },
    );
  }
  const le = endian === 'little';
  const budget = new Budget(opts.maxInflatedBytes ?? limits().maxDecompressedMb * 2 ** 20, file);
  const variables: MatVariable[] = [];
  const top = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 128;
  while (pos < bytes.length) {
    // Trailing padding shorter than a tag is tolerated, as MATLAB and scipy do.
    if (bytes.length - pos < 8 && bytes.subarray(pos).every((v) => v === 0)) break;
    const el = readTag(top, le, pos, bytes.length, file, 'data element');
    if (el.type === MI.COMPRESSED) {
      let inflated: Buffer;
      try {
        if (budget.left < 1) throw budget.exceeded(`the compressed element at byte ${pos}`);
        inflated = inflateSync(bytes.subarray(el.start, el.start + el.length), { maxOutputLength: budget.left });
        budget.take(inflated.byteLength, `the compressed element at byte ${pos}`);
      } catch (cause) {
        if (cause instanceof DataError) throw cause;
        if ((cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw budget.exceeded(`the compressed element at byte ${pos}`, cause);
        const why = cause instanceof Error ? cause.message : String(cause);
        throw new DataError(`${file}: compressed element at byte ${pos} cannot be inflated (${why}); the file is truncated or corrupt`, { file, cause });
      }
      const inner = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
      const view = new DataView(inner.buffer, inner.byteOffset, inner.byteLength);
      let ipos = 0;
      while (ipos + 8 <= inner.length) {
        const iel = readTag(view, le, ipos, inner.length, file, `element inside compressed block at byte ${pos}`);
        if (iel.type === MI.MATRIX) {
          variables.push(...readMatrix(view, le, iel, file, inner, budget));
        }
        ipos = iel.next === ipos ? inner.length : iel.next;
      }
    } else if (el.type === MI.MATRIX) {
      variables.push(...readMatrix(top, le, el, file, bytes, budget));
    }
    // Other top-level element types are not variables; skip them.
    pos = el.next;
  }
  return variables;
}
