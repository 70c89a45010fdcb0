import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../../src-main/data/errors.js';
import { detectMatVersion, readMatFile } from '../../../../src-main/data/readers/mat-reader.js';
import { readMatV5 } from '../../../../src-main/data/readers/mat-v5-reader.js';
import { type TestVar, writeMatV5 } from './mat-v5-writer.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'flowbench-mat-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, bytes: Uint8Array): string {
  const p = path.join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

async function expectDataError(file: string, pattern: RegExp): Promise<void> {
  const err = await readMatFile(file).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(DataError);
  expect((err as DataError).message).toContain(file);
  expect((err as DataError).message).toMatch(pattern);
  expect((err as DataError).file).toBe(file);
}

const vars: TestVar[] = [
  { name: 'dbl', values: [1.5, -2.25, 3e-7, 1e300] },
  { name: 'sgl', values: [0.5, -1.25, 3.75], storage: 'single', className: 'single' },
  { name: 'i16', values: [1, -2, 32767, -32768], className: 'int16', dims: [2, 2] },
  // MATLAB stores doubles in the smallest integer type that holds them (like CWRU's RPM as uint16).
  { name: 'rpm', values: [1796], storage: 'uint16' },
  { name: 'u8', values: [0, 255], className: 'uint8' },
  { name: 'i64', values: [-5, 2 ** 40], className: 'int64' },
  { name: 'cplx', values: [1, 2], imag: [3, 4] },
  { name: 'flag', values: [1, 0, 1], className: 'uint8', logical: true },
  { name: 'txt', className: 'char', text: 'hello' },
  { name: 'cel', className: 'cell', dims: [0, 0] },
];

function checkAll(got: ReturnType<typeof readMatV5>): void {
  const by = Object.fromEntries(got.map((v) => [v.name, v]));
  expect(got.map((v) => v.name)).toEqual(vars.map((v) => v.name));
  expect(Array.from(by.dbl!.data!)).toEqual([1.5, -2.25, 3e-7, 1e300]);
  expect(by.sgl!.className).toBe('single');
  expect(Array.from(by.sgl!.data!)).toEqual([0.5, -1.25, 3.75]);
  expect(by.i16!.dims).toEqual([2, 2]);
  expect(by.i16!.className).toBe('int16');
  expect(Array.from(by.i16!.data!)).toEqual([1, -2, 32767, -32768]);
  expect(Array.from(by.rpm!.data!)).toEqual([1796]);
  expect(by.rpm!.className).toBe('double');
  expect(Array.from(by.u8!.data!)).toEqual([0, 255]);
  expect(Array.from(by.i64!.data!)).toEqual([-5, 2 ** 40]);
  expect(by.cplx!.complex).toBe(true);
  expect(Array.from(by.cplx!.data!)).toEqual([1, 2]); // the real part
  expect(by.dbl!.complex).toBe(false);
  expect(by.flag!.className).toBe('logical');
  expect(Array.from(by.flag!.data!)).toEqual([1, 0, 1]);
  expect(by.txt!.className).toBe('char');
  expect(by.txt!.data).toBeNull();
  expect(by.cel!.className).toBe('cell');
  expect(by.cel!.data).toBeNull();
}

describe('readMatV5 on files written byte by byte', () => {
  it('reads uncompressed little-endian files with small-element names and data', () => {
    checkAll(readMatV5(writeMatV5(vars), 'le.mat'));
  });
  it('reads names in the full 8-byte tag format too', () => {
    checkAll(readMatV5(writeMatV5(vars, { smallNames: false }), 'full-tags.mat'));
  });
  it("reads big-endian ('MI') files", () => {
    const bytes = writeMatV5(vars, { bigEndian: true });
    expect(String.fromCharCode(bytes[126]!, bytes[127]!)).toBe('MI');
    checkAll(readMatV5(bytes, 'be.mat'));
  });
  it('reads v7 files with one miCOMPRESSED element per variable, through readMatFile', async () => {
    const file = save('z.mat', writeMatV5(vars, { compress: true }));
    expect(readFileSync(file).readUInt32LE(128)).toBe(15);
    checkAll(await readMatFile(file));
  });
  it('reads a mix of compressed and plain elements, big-endian', () => {
    const a = writeMatV5(vars.slice(0, 3), { compress: true, bigEndian: true });
    const b = writeMatV5(vars.slice(3), { bigEndian: true });
    const both = Buffer.concat([a, b.subarray(128)]);
    checkAll(readMatV5(both, 'mixed.mat'));
  });
  it('lists opaque (function handle / classdef) variables without dims and keeps reading after them', () => {
    const body = Buffer.alloc(8 + 8 + 8 + 16);
    body.writeUInt32LE(6, 0); body.writeUInt32LE(8, 4); body.writeUInt32LE(17, 8); // array flags: mxOPAQUE
    body.writeUInt32LE((2 << 16) | 1, 16); body.write('fh', 20); // small-element name
    body.write('MCOS', 32); // opaque payload, not decoded
    const tag = Buffer.alloc(8);
    tag.writeUInt32LE(14, 0); tag.writeUInt32LE(body.length, 4);
    const after = writeMatV5([{ name: 'after', values: [7, 8] }]);
    const bytes = Buffer.concat([writeMatV5([]), tag, body, after.subarray(128)]);
    const got = readMatV5(bytes, 'opaque.mat');
    expect(got.map((v) => [v.name, v.className, v.data === null])).toEqual([['fh', 'opaque', true], ['after', 'double', false]]);
    expect(Array.from(got[1]!.data!)).toEqual([7, 8]);
  });
});

describe('readMatFile refuses bad files with a DataError naming the file', () => {
  const good = writeMatV5([{ name: 'x', values: Array.from({ length: 64 }, (_, i) => i) }]);
  const goodZ = writeMatV5([{ name: 'x', values: Array.from({ length: 64 }, (_, i) => i) }], { compress: true });

  it('empty file', async () => expectDataError(save('empty.mat', new Uint8Array(0)), /empty/));
  it('missing file', async () => expectDataError(path.join(dir, 'nope.mat'), /no such file/));
  it('a folder', async () => expectDataError(dir, /it is a folder/));
  it('not a MAT file', async () => expectDataError(save('text.mat', new TextEncoder().encode('time,value\n'.repeat(40))), /not a MATLAB MAT file/));
  it('shorter than a header', async () => expectDataError(save('short.mat', good.subarray(0, 60)), /only 60 bytes/));
  it('truncated inside a variable', async () => expectDataError(save('trunc.mat', good.subarray(0, good.length - 100)), /truncated/));
  it('truncated compressed element', async () => expectDataError(save('truncz.mat', goodZ.subarray(0, goodZ.length - 30)), /truncated/));
  it('corrupt compressed stream', async () => {
    const bad = Buffer.from(goodZ);
    bad.fill(0xab, 140, 160);
    await expectDataError(save('corruptz.mat', bad), /cannot be inflated/);
  });
  it('a dimension claiming far more elements than the bytes hold', async () => {
    const huge = writeMatV5([{ name: 'x', values: [1, 2, 3], dims: [2 ** 31 - 1, 2 ** 31 - 1], forceDims: true }]);
    await expectDataError(save('huge.mat', huge), /dimensions 2147483647×2147483647 .* holds only 24 bytes/);
  });
  it('an element tag claiming more bytes than the file has', async () => {
    const bad = Buffer.from(good);
    bad.writeUInt32LE(0x7fffffff, 132); // byte count of the first miMATRIX
    await expectDataError(save('bigtag.mat', bad), /claims 2147483647 bytes/);
  });
  it('a compressed element that inflates past the limit (zip bomb) is refused before allocating', () => {
    const bomb = writeMatV5([{ name: 'z', values: new Array(100_000).fill(0) }], { compress: true });
    expect(bomb.length).toBeLessThan(2000);
    expect(() => readMatV5(bomb, 'bomb.mat', { maxInflatedBytes: 64 * 1024 })).toThrow(/bomb\.mat: the compressed element at byte 128 would take the file past 0 MiB decompressed \(the maxDecompressedMb limit\)/);
    expect(readMatV5(bomb, 'bomb.mat')[0]!.data!.length).toBe(100_000);
  });
  it('many compressed elements, each small, are capped in total (the per-element cap alone let 4 MB take 9.7 GB)', () => {
    // 40 variables of 100k zeros: each inflates to ~800 kB and decodes to 800 kB more.
    const many = writeMatV5(Array.from({ length: 40 }, (_, i) => ({ name: `z${i}`, values: new Array(100_000).fill(0) })), { compress: true });
    expect(many.length).toBeLessThan(80_000);
    const t0 = performance.now();
    expect(() => readMatV5(many, 'many.mat', { maxInflatedBytes: 16 * 2 ** 20 })).toThrow(/many\.mat: .* past 16 MiB decompressed .*FLOWBENCH_LIMIT_MAX_DECOMPRESSED_MB/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(readMatV5(many, 'many.mat', { maxInflatedBytes: 128 * 2 ** 20 })).toHaveLength(40);
  });
  it('MATLAB v4 files are named as unsupported', async () => {
    // v4: MOPT=0 (little-endian double), mrows=3, ncols=1, imagf=0, namlen=2, "x\0", data.
    const head = Buffer.alloc(20);
    [0, 3, 1, 0, 2].forEach((v, i) => head.writeInt32LE(v, 4 * i));
    const data = Buffer.alloc(24);
    [1, 2, 3].forEach((v, i) => data.writeDoubleLE(v, 8 * i));
    const file = save('v4.mat', Buffer.concat([head, Buffer.from('x\0'), data]));
    expect(detectMatVersion(readFileSync(file))).toBe('v4');
    await expectDataError(file, /v4 MAT files are not supported/);
  });
});

describe('readMatV5 never fails with anything but a DataError', () => {
  it('on 600 randomly corrupted files (plain and compressed, both endians)', () => {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const bases = [writeMatV5(vars), writeMatV5(vars, { compress: true }), writeMatV5(vars, { bigEndian: true })];
    let refused = 0;
    for (let k = 0; k < 600; k++) {
      const bytes = Buffer.from(bases[k % 3]!);
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) bytes[128 + Math.floor(rand() * (bytes.length - 128))] = Math.floor(rand() * 256);
      const cut = rand() < 0.3 ? Math.floor(rand() * bytes.length) : bytes.length;
      try {
        readMatV5(bytes.subarray(0, cut), 'fuzz.mat');
      } catch (e) {
        expect(e).toBeInstanceOf(DataError);
        expect((e as Error).message).toMatch(/^fuzz\.mat: /);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(50);
  });
});

describe('readMatFile on v7.3 (HDF5) files', () => {
  it('reads numeric datasets with MATLAB dims and lists chars', async () => {
    await h5wasm.ready;
    const raw = path.join(dir, 'v73raw.h5');
    const f = new h5wasm.File(raw, 'w');
    // MATLAB writes a 6×1 column as HDF5 shape [1, 6].
    f.create_dataset({ name: 'X7_DE_time', data: new Float64Array([1, 2, 3, 4, 5, 6]), shape: [1, 6] }).create_attribute('MATLAB_class', 'double');
    f.create_dataset({ name: 'X7RPM', data: new Float64Array([1750]), shape: [1, 1] }).create_attribute('MATLAB_class', 'double');
    f.create_dataset({ name: 'label', data: new Uint16Array([104, 105]), shape: [2, 1] }).create_attribute('MATLAB_class', 'char');
    f.close();
    const head = Buffer.alloc(512);
    head.write('MATLAB 7.3 MAT-file, Platform: GLNXA64, HDF5 schema 1.00 .'.padEnd(116, ' '));
    head.writeUInt16LE(0x0200, 124);
    head.write('IM', 126);
    const file = save('v73.mat', Buffer.concat([head, readFileSync(raw)]));
    const got = await readMatFile(file);
    const by = Object.fromEntries(got.map((v) => [v.name, v]));
    expect(by.X7_DE_time!.dims).toEqual([6, 1]);
    expect(Array.from(by.X7_DE_time!.data!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(by.X7RPM!.data!)).toEqual([1750]);
    expect(by.label!.className).toBe('char');
    expect(by.label!.data).toBeNull();
  });
});
