import { deflateSync } from 'node:zlib';

/**
 * Test helper: a tiny MATLAB Level-5 writer, so reader tests run on files whose bytes
 * we control (storage types, small elements, compression, big-endian, corrupt claims).
 * Follows the MathWorks MAT-File Format layout; not product code.
 */

export type Storage = 'double' | 'single' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64';

const MI_TYPE: Record<Storage, [number, number]> = {
  int8: [1, 1], uint8: [2, 1], int16: [3, 2], uint16: [4, 2], int32: [5, 4], uint32: [6, 4],
  single: [7, 4], double: [9, 8], int64: [12, 8], uint64: [13, 8],
};
const CLASS_ID: Record<string, number> = {
  cell: 1, struct: 2, char: 4, double: 6, single: 7, int8: 8, uint8: 9, int16: 10, uint16: 11,
  int32: 12, uint32: 13, int64: 14, uint64: 15,
};

export interface TestVar {
  name: string;
  /** Column-major values (ignored for char: use `text`). */
  values?: number[];
  dims?: number[];
  /** MATLAB class; default 'double'. */
  className?: string;
  /** How the real part is stored on disk; default = class. */
  storage?: Storage;
  imag?: number[];
  logical?: boolean;
  text?: string;
  /** Write dims as given even if they disagree with values (corrupt-file tests). */
  forceDims?: boolean;
}

export interface WriteOptions {
  bigEndian?: boolean;
  compress?: boolean;
  /** Put the name in the 4-byte small-element format when it fits (MATLAB does). */
  smallNames?: boolean;
  headerText?: string;
}

class Bytes {
  parts: Uint8Array[] = [];
  constructor(readonly le: boolean) {}
  u32(v: number): this { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, this.le); this.parts.push(b); return this; }
  i32(v: number): this { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, this.le); this.parts.push(b); return this; }
  raw(b: Uint8Array): this { this.parts.push(b); return this; }
  pad(): this { const len = this.length(); if (len % 8) this.parts.push(new Uint8Array(8 - (len % 8))); return this; }
  length(): number { return this.parts.reduce((a, p) => a + p.length, 0); }
  bytes(): Uint8Array { return Buffer.concat(this.parts); }
}

function encode(values: number[], storage: Storage, le: boolean): Uint8Array {
  const [, size] = MI_TYPE[storage];
  const b = new Uint8Array(values.length * size);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => {
    const o = i * size;
    switch (storage) {
      case 'double': v.setFloat64(o, x, le); break;
      case 'single': v.setFloat32(o, x, le); break;
      case 'int8': v.setInt8(o, x); break;
      case 'uint8': v.setUint8(o, x); break;
      case 'int16': v.setInt16(o, x, le); break;
      case 'uint16': v.setUint16(o, x, le); break;
      case 'int32': v.setInt32(o, x, le); break;
      case 'uint32': v.setUint32(o, x, le); break;
      case 'int64': v.setBigInt64(o, BigInt(x), le); break;
      case 'uint64': v.setBigUint64(o, BigInt(x), le); break;
    }
  });
  return b;
}

function element(type: number, payload: Uint8Array, le: boolean, small: boolean): Uint8Array {
  const out = new Bytes(le);
  if (small && payload.length <= 4) {
    out.u32((payload.length << 16) | type);
    const p = new Uint8Array(4); p.set(payload); out.raw(p);
  } else {
    out.u32(type).u32(payload.length).raw(payload).pad();
  }
  return out.bytes();
}

function matrix(v: TestVar, le: boolean, smallNames: boolean): Uint8Array {
  const cls = v.className ?? 'double';
  const isChar = cls === 'char';
  const values = isChar ? [...(v.text ?? '')].map((c) => c.charCodeAt(0)) : (v.values ?? []);
  const dims = v.dims ?? [values.length, 1];
  const body = new Bytes(le);
  const flags = (CLASS_ID[cls] ?? 6) | (v.imag ? 0x0800 : 0) | (v.logical ? 0x0200 : 0);
  const flagBytes = new Bytes(le).u32(flags).u32(0).bytes();
  body.raw(element(6, flagBytes, le, false));
  const dimBytes = new Bytes(le); dims.forEach((d) => dimBytes.i32(d));
  body.raw(element(5, dimBytes.bytes(), le, false));
  body.raw(element(1, new TextEncoder().encode(v.name), le, smallNames));
  if (cls !== 'cell' && cls !== 'struct') {
    const storage: Storage = isChar ? 'uint16' : (v.storage ?? (cls in MI_TYPE ? (cls as Storage) : 'double'));
    body.raw(element(MI_TYPE[storage][0], encode(values, storage, le), le, true));
    if (v.imag) body.raw(element(MI_TYPE[storage][0], encode(v.imag, storage, le), le, true));
  }
  return element(14, body.bytes(), le, false);
}

/** Whole-file bytes for the given variables. */
export function writeMatV5(vars: TestVar[], opts: WriteOptions = {}): Uint8Array {
  const le = !opts.bigEndian;
  const header = new Uint8Array(128).fill(0x20);
  header.set(new TextEncoder().encode(opts.headerText ?? 'MATLAB 5.0 MAT-file, written by the Flowbench test helper'));
  header.fill(0, 116, 124);
  const dv = new DataView(header.buffer);
  dv.setUint16(124, 0x0100, le);
  dv.setUint16(126, 0x4d49, le); // reads back as 'IM' little-endian, 'MI' big-endian
  const out = new Bytes(le).raw(header);
  for (const v of vars) {
    const m = matrix(v, le, opts.smallNames ?? true);
    if (opts.compress) {
      const z = deflateSync(m);
      out.u32(15).u32(z.length).raw(z);
    } else {
      out.raw(m);
    }
  }
  return out.bytes();
}
