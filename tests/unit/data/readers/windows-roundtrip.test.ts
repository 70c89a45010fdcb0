import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../../src-main/data/errors.js';
import { openHdf5 } from '../../../../src-main/data/readers/hdf5-reader.js';
import { readWindowsCsv, readWindowsH5 } from '../../../../src-main/data/readers/windows-reader.js';
import { formatFloat32, writeWindowsCsv, writeWindowsH5 } from '../../../../src-main/data/writers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'flowbench-win-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** x[(i*length + t)*channels + c] = a value that encodes (i, t, c) and is not float32-round in decimal. */
function windows(n: number, length: number, channels: number): Float32Array {
  const x = new Float32Array(n * length * channels);
  for (let i = 0; i < n; i++) for (let t = 0; t < length; t++) for (let c = 0; c < channels; c++) {
    x[(i * length + t) * channels + c] = i + t / 1000 + c / 7 + Math.sin(i * 31 + t * 7 + c) * 1e-3;
  }
  return x;
}

const meta = { dataset: 'CWRU', fs_hz: 12000, split: 'train', seed: 42 };

describe('writeWindowsCsv / readWindowsCsv', () => {
  it('round-trips shape, every value exactly and meta, in a new nested folder', () => {
    const [n, length, channels] = [5, 16, 3];
    const x = windows(n, length, channels);
    const file = path.join(dir, 'nested/deeper/win.csv');
    writeWindowsCsv(file, x, n, length, channels, meta);
    const text = readFileSync(file, 'utf8').split('\n');
    expect(text[0]).toBe('# dataset: CWRU');
    expect(text.find((l) => !l.startsWith('#'))).toBe(['window', 'channel', ...Array.from({ length }, (_, t) => `s${t}`)].join(','));
    // One row per window and channel: 5·3 data rows.
    expect(text.filter((l) => /^\d/.test(l))).toHaveLength(n * channels);
    const back = readWindowsCsv(file);
    expect([back.n, back.length, back.channels]).toEqual([n, length, channels]);
    expect(Array.from(back.x)).toEqual(Array.from(x));
    expect(back.meta).toEqual(meta);
    expect(readdirSync(path.dirname(file))).toEqual(['win.csv']); // no temp file left behind
  });

  it('refuses a shape that does not match x, and bad meta', () => {
    expect(() => writeWindowsCsv(path.join(dir, 'bad.csv'), new Float32Array(10), 2, 4, 1, {})).toThrow(/x has 10 values but n·length·channels = 2·4·1 = 8/);
    expect(() => writeWindowsCsv(path.join(dir, 'bad.csv'), new Float32Array(4), 1, 4, 1, { 'a b': 1 })).toThrow(DataError);
    expect(() => writeWindowsCsv(path.join(dir, 'bad.csv'), new Float32Array(4), 1, 4, 1, { note: 'two\nlines' })).toThrow(/one-line string/);
    expect(existsSync(path.join(dir, 'bad.csv'))).toBe(false);
  });

  it('formats float32 with the fewest digits that read back exactly', () => {
    for (const v of [0.1, 1 / 3, -123.456, 1e-30, 3.4e38, 0]) {
      const f = Math.fround(v);
      expect(Math.fround(Number(formatFloat32(f)))).toBe(f);
    }
    expect(formatFloat32(Math.fround(0.1))).toBe('0.1');
  });
});

describe('writeWindowsH5 / openHdf5', () => {
  it('round-trips [n, length, channels] and meta attributes; lists datasets', async () => {
    const [n, length, channels] = [6, 32, 2];
    const x = windows(n, length, channels);
    const file = path.join(dir, 'h5/win.h5');
    await writeWindowsH5(file, x, n, length, channels, meta);
    const back = await readWindowsH5(file);
    expect([back.n, back.length, back.channels]).toEqual([n, length, channels]);
    expect(back.x).toEqual(x);
    expect(back.meta).toEqual(meta);
    const h5 = await openHdf5(file);
    try {
      expect(h5.list()).toEqual([{ path: 'windows', shape: [n, length, channels], dtype: 'float32' }]);
    } finally {
      h5.close();
    }
  });

  it('reads a range of rows lazily with the right values and refuses bad ranges', async () => {
    const [n, length, channels] = [10, 8, 3];
    const x = windows(n, length, channels);
    const file = path.join(dir, 'slice.h5');
    await writeWindowsH5(file, x, n, length, channels, {});
    const h5 = await openHdf5(file);
    try {
      const part = h5.readRows('windows', 3, 7);
      expect(part.shape).toEqual([4, length, channels]);
      expect(Array.from(part.data)).toEqual(Array.from(x.subarray(3 * length * channels, 7 * length * channels)));
      expect(h5.readRows('windows', 9, 9).shape).toEqual([0, length, channels]);
      expect(() => h5.readRows('windows', 8, 11)).toThrow(/valid: integers with 0 <= start <= end <= 10/);
      expect(() => h5.readRows('windows', -1, 2)).toThrow(DataError);
      expect(() => h5.read('nope')).toThrow(/no dataset 'nope'; available: windows/);
    } finally {
      h5.close();
    }
  });

  it('refuses files that are not HDF5 or do not exist, naming them', async () => {
    const notH5 = path.join(dir, 'win.csv.h5');
    writeWindowsCsv(notH5, new Float32Array(2), 1, 2, 1, {});
    await expect(openHdf5(notH5)).rejects.toThrow(new RegExp(`${notH5.replace(/[.]/g, '\\.')}: not an HDF5 file`));
    await expect(openHdf5(path.join(dir, 'missing.h5'))).rejects.toThrow(/missing\.h5: cannot open file \(ENOENT\)/);
  });
});
