import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../../src-main/data/errors.js';
import { parseCsv } from '../../../../src-main/data/readers/csv-reader.js';
import { readSignalFile, readSignalFile64 } from '../../../../src-main/data/readers/signal-file.js';
import { writeMatV5 } from './mat-v5-writer.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'flowbench-sig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (name: string): string => path.join(dir, name);

async function errorOf(p: Promise<unknown>): Promise<DataError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

const ramp = (n: number, k: number): number[] => Array.from({ length: n }, (_, i) => i * k + 0.125);

describe('readSignalFile on MAT files: key by name or unique suffix', () => {
  const file = at('two-records.mat');
  beforeAll(() => {
    // Like some CWRU files: a neighbouring record's variables ride along.
    writeFileSync(file, writeMatV5([
      { name: 'X100_DE_time', values: ramp(50, 1) },
      { name: 'X100_FE_time', values: ramp(50, 2) },
      { name: 'X100RPM', values: [1797], storage: 'uint16' },
      { name: 'X099_DE_time', values: ramp(50, 3) },
      { name: 'X099RPM', values: [1750] },
      { name: 'acc', values: ramp(40, 1).concat(ramp(40, -1)), dims: [40, 2] },
    ], { compress: true }));
  });

  it('exact name, then the RPM of the same record', async () => {
    const s = await readSignalFile(file, { signalKey: 'X099_DE_time' });
    expect(s.channelNames).toEqual(['X099_DE_time']);
    expect(Array.from(s.channels[0]!.subarray(0, 2))).toEqual([0.125, 3.125]);
    expect(s.rpm).toBe(1750);
  });

  it('ambiguous suffix lists the matches and every name', async () => {
    const e = await errorOf(readSignalFile(file, { signalKey: '_DE_time' }));
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/'_DE_time' is ambiguous: it matches X100_DE_time, X099_DE_time/);
    expect(e.message).toMatch(/available: X100_DE_time, X100_FE_time, X099_DE_time, acc/);
    expect(e.key).toBe('_DE_time');
  });

  it('unique suffix picks it; missing key lists what exists', async () => {
    const s = await readSignalFile(file, { signalKey: '_FE_time' });
    expect(s.channelNames).toEqual(['X100_FE_time']);
    expect(s.rpm).toBe(1797);
    const e = await errorOf(readSignalFile(file, { signalKey: '_BA_time' }));
    expect(e.message).toMatch(/'_BA_time' not found; available: X100_DE_time, X100_FE_time, X099_DE_time, acc/);
  });

  it('no key with several signals names them and the setting to use', async () => {
    const e = await errorOf(readSignalFile(file));
    expect(e.message).toMatch(/holds 4 signals and no signal key was given; set data.signal_key to one of: X100_DE_time/);
  });

  it('a 2-D variable gives one channel per column; channels pick by index and name', async () => {
    const s = await readSignalFile64(file, { signalKey: 'acc' });
    expect(s.channelNames).toEqual(['acc:0', 'acc:1']);
    expect(s.channels[1]![1]).toBe(-0.875);
    const one = await readSignalFile64(file, { signalKey: 'acc', channels: [1] });
    expect(one.channelNames).toEqual(['acc:1']);
    const mixed = await readSignalFile(file, { channels: ['X100_FE_time', 0] });
    expect(mixed.channelNames).toEqual(['X100_FE_time', 'X100_DE_time']);
    const e = await errorOf(readSignalFile(file, { signalKey: 'acc', channels: [2] }));
    expect(e.message).toMatch(/channel index 2 is out of range; valid: 0\.\.1 \(acc:0, acc:1\)/);
  });

  it('channels of different lengths are refused', async () => {
    const e = await errorOf(readSignalFile(file, { channels: ['X100_DE_time', 'acc:0'] }));
    expect(e.message).toMatch(/differ in length/);
  });

  it('a single-signal file needs no key', async () => {
    const one = at('one.mat');
    writeFileSync(one, writeMatV5([{ name: 'vib', values: ramp(10, 1), storage: 'int16' }, { name: 'fs', values: [25600] }]));
    const s = await readSignalFile(one);
    expect(s.channelNames).toEqual(['vib']);
    expect(s.fsHz).toBe(25600);
    expect(s.rpm).toBeNull();
  });

  it('an unknown extension is refused with the valid ones', async () => {
    const e = await errorOf(readSignalFile(at('signal.wav')));
    expect(e.message).toMatch(/unsupported signal file extension '\.wav'; valid: \.mat, \.h5, \.hdf5, \.csv, \.txt/);
  });
});

describe('readSignalFile on PHM-Vibench H5 (one dataset per Id, (L, C) or (L, C, 1))', () => {
  const file = at('CWRU.h5');
  const L = 64;
  beforeAll(async () => {
    await h5wasm.ready;
    const f = new h5wasm.File(file, 'w');
    const lc = new Float32Array(L * 2).map((_, i) => (i % 2 === 0 ? i / 2 : -i));
    f.create_dataset({ name: '2', data: lc, shape: [L, 2] });
    f.create_dataset({ name: '12', data: new Float64Array(L).map((_, i) => i * 0.5), shape: [L, 1, 1] });
    f.create_attribute('sample_rate', 12000);
    f.close();
  });

  it('an exact Id wins over a longer Id ending the same; (L, C) gives C channels', async () => {
    const s = await readSignalFile(file, { signalKey: '2' });
    expect(s.channelNames).toEqual(['2:0', '2:1']);
    expect(s.channels[0]![3]).toBe(3);
    expect(s.channels[1]![3]).toBe(-7);
    expect(s.fsHz).toBe(12000);
  });

  it('(L, C, 1) reads as C channels of length L', async () => {
    const s = await readSignalFile(file, { signalKey: '12' });
    expect(s.channelNames).toEqual(['12']);
    expect(s.channels[0]!.length).toBe(L);
    expect(s.channels[0]![5]).toBe(2.5);
  });

  it('a missing Id lists the datasets', async () => {
    const e = await errorOf(readSignalFile(file, { signalKey: '7' }));
    expect(e.message).toMatch(/'7' not found; available: 12, 2/);
  });
});

describe('readSignalFile on CSV/TXT', () => {
  it('header row, all columns by default, fs and rpm from # comments', async () => {
    const file = at('h.csv');
    writeFileSync(file, '# fs_hz: 20000\n# rpm: 1500\nDE,FE\n1.5,2\n-3,4e-3\n5,6\n');
    const s = await readSignalFile64(file);
    expect(s.channelNames).toEqual(['DE', 'FE']);
    expect(Array.from(s.channels[1]!)).toEqual([2, 0.004, 6]);
    expect(s.fsHz).toBe(20000);
    expect(s.rpm).toBe(1500);
    expect((await readSignalFile(file, { signalKey: 'FE' })).channelNames).toEqual(['FE']);
  });

  it('no header, semicolons with decimal commas, tabs, spaces', () => {
    expect(parseCsv('1;2\n3;4\n', 'a.csv').names).toEqual(['col0', 'col1']);
    expect(Array.from(parseCsv('0,5;1,25\n2;3\n', 'b.csv').columns[1]!)).toEqual([1.25, 3]);
    expect(Array.from(parseCsv('a\tb\n1\t2\n', 'c.csv').columns[0]!)).toEqual([1]);
    const t = parseCsv('  1.0   2.0\n 3 4 \n', 'd.txt');
    expect(t.delimiter).toBe(' ');
    expect(Array.from(t.columns[1]!)).toEqual([2, 4]);
  });

  it('a non-numeric cell names file, row and column', async () => {
    const file = at('bad.csv');
    writeFileSync(file, 'x,y\n1,2\n3,oops\n');
    const e = await errorOf(readSignalFile(file));
    expect(e.message).toBe(`${file}: row 3, column 2 (y): 'oops' is not a number; every cell after the header must be numeric`);
  });

  it('a ragged row and an empty file are DataErrors naming the file', async () => {
    writeFileSync(at('ragged.csv'), '1,2\n3\n');
    expect((await errorOf(readSignalFile(at('ragged.csv')))).message).toMatch(/ragged\.csv: row 2 has 1 columns but the first row has 2/);
    writeFileSync(at('empty.txt'), '');
    expect((await errorOf(readSignalFile(at('empty.txt')))).message).toMatch(/empty\.txt: no data rows/);
  });
});

describe('CSV time-stamp columns are not signals', () => {
  const rows = (n: number, f: (i: number) => string): string => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';
  const wave = (i: number): string => (Math.sin(i * 0.7) * 2).toFixed(4);

  it('date-time and clock-time cells (with or without a header) are skipped', async () => {
    writeFileSync(at('stamped.csv'), 'timestamp,DE,FE\n' + rows(20, (i) => `2024-03-01 12:00:${String(i).padStart(2, '0')}.25,${wave(i)},${i}`));
    const s = await readSignalFile64(at('stamped.csv'));
    expect(s.channelNames).toEqual(['DE', 'FE']);
    expect(s.channels[1]![19]).toBe(19);
    writeFileSync(at('clock.csv'), rows(20, (i) => `12:00:${String(i).padStart(2, '0')},${wave(i)}`));
    const c = parseCsv(await import('node:fs').then((fs) => fs.readFileSync(at('clock.csv'), 'utf8')), 'clock.csv');
    expect(c.hasHeader).toBe(false);
    expect(c.timeColumns).toEqual(['col0']);
    expect(c.names).toEqual(['col1']);
    expect(c.columns[0]![1]).toBe(Number(wave(1)));
  });

  it('a column named time whose values increase is skipped; an increasing first column of a headerless file too', () => {
    const named = parseCsv('Time (s);acc\n' + rows(20, (i) => `${(i / 12000).toFixed(6).replace('.', ',')};${wave(i).replace('.', ',')}`), 'n.csv');
    expect(named.timeColumns).toEqual(['Time (s)']);
    expect(named.names).toEqual(['acc']);
    const bare = parseCsv(rows(40, (i) => `${(i * 1e-4).toFixed(4)},${wave(i)},${wave(i + 3)}`), 'b.csv');
    expect(bare.timeColumns).toEqual(['col0']);
    expect(bare.columns.length).toBe(2);
  });

  it('a signal is never taken for time: a column named t that does not increase, a ramp with a header', () => {
    expect(parseCsv('t,x\n' + rows(20, (i) => `${wave(i)},${i}`), 'a.csv').timeColumns).toEqual([]);
    expect(parseCsv('ramp,x\n' + rows(20, (i) => `${i},${wave(i)}`), 'r.csv').timeColumns).toEqual([]);
  });

  it('channels by name or index count the signal columns; an unknown name lists them', async () => {
    writeFileSync(at('pick.csv'), 'time,DE,FE,BA\n' + rows(20, (i) => `${i / 100},${wave(i)},${wave(i + 1)},${wave(i + 2)}`));
    expect((await readSignalFile64(at('pick.csv'), { channels: ['BA', 0] })).channelNames).toEqual(['BA', 'DE']);
    const e = await errorOf(readSignalFile64(at('pick.csv'), { channels: ['acc'] }));
    expect(e.message).toBe(`${at('pick.csv')}: channel 'acc' not found; available: DE, FE, BA`);
  });

  it('a file of time stamps only says so', async () => {
    writeFileSync(at('only-time.csv'), 'time\n' + rows(20, (i) => String(i / 10)));
    expect((await errorOf(readSignalFile64(at('only-time.csv')))).message).toMatch(/only-time\.csv: every column holds time stamps \(time\)/);
  });
});
