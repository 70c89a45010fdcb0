/**
 * Several data sources in one run (data.path as a list): each keeps its dataset id, ids stay
 * unique, mixed rates go to one rate by default, and task.datasets / task.max_datasets choose.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataSchema } from '../../../src-main/config/schema.js';
import { DataError, openDataSource, prepareWindows } from '../../../src-main/data/index.js';
import { CWRU_DIR, IMS_DIR, hasCwru, hasIms, tempDir } from './data-paths.js';

/** A manifest folder without a dataset column: two recordings of `seconds` at `fs` Hz. */
function manifestFolder(tag: string, fs: number, seconds = 0.5): string {
  const dir = tempDir(tag);
  const n = Math.round(fs * seconds);
  for (const [name, f] of [['a.csv', 50], ['b.csv', 90]] as const) {
    writeFileSync(path.join(dir, name), 'v\n' + Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / fs).toFixed(6)).join('\n'));
  }
  writeFileSync(path.join(dir, 'LABELS.csv'), `path,label,domain,fs_hz\na.csv,normal,d0,${fs}\nb.csv,fault,d0,${fs}\n`);
  return dir;
}

const spec = (paths: string[], extra: Record<string, unknown> = {}) =>
  dataSchema.parse({ source: 'files', path: paths, window_length: 64, stride: 64, ...extra });

describe('data.path as a list', () => {
  it('merges the sources: each gets its dataset id (the folder name when the manifest names none), ids are prefixed, signals read from their own source', async () => {
    const a = manifestFolder('rigA', 4000);
    const b = manifestFolder('rigB', 8000);
    const src = await openDataSource(spec([a, b]), { cwd: '.', seed: 0 });
    expect(src.kind).toBe('multi');
    const dsA = path.basename(a), dsB = path.basename(b);
    expect(src.records.map((r) => [r.index, r.id, r.dataset])).toEqual([
      [0, `${dsA}:a.csv`, dsA], [1, `${dsA}:b.csv`, dsA], [2, `${dsB}:a.csv`, dsB], [3, `${dsB}:b.csv`, dsB],
    ]);
    expect((await src.readSignal(src.records[3])).channels[0]).toHaveLength(4000);
    expect((await src.readSignal(src.records[1])).channels[0]).toHaveLength(2000);
    // A different selection of sources is different data.
    expect((await openDataSource(spec([a]), { cwd: '.', seed: 0 })).manifestHash).not.toBe(src.manifestHash);

    // Mixed rates go to the lowest by default, and the preparation says so.
    const p = await prepareWindows(src, spec([a, b]), 0);
    expect(p.datasetNames).toEqual([dsA, dsB].sort());
    expect(p.files.map((f) => [f.fsHz, f.samples])).toEqual([[4000, 2000], [4000, 2000], [4000, 2000], [4000, 2000]]);
    expect(p.warnings.some((w) => w.includes('every recording is resampled to 4000 Hz, the lowest'))).toBe(true);
    expect(new Set(p.train.dataset)).toEqual(new Set([0, 1]));
    // fs_overrides take the merged ids.
    const over = await prepareWindows(src, spec([a, b], { fs_overrides: { [`${dsB}:a.csv`]: 4000 } }), 0);
    expect(over.warnings.some((w) => w.includes('4000 Hz: 3, 8000 Hz: 1'))).toBe(true);
  });

  it('the same folder twice is refused, naming the recording', async () => {
    const a = manifestFolder('twice', 4000);
    const err = await openDataSource(spec([a, a]), { cwd: '.', seed: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/recording .*:a\.csv comes from two sources .* list each folder once/);
  });

  it('task.datasets picks and orders, task.max_datasets keeps the first N, a missing dataset is an error naming what the data holds', async () => {
    const a = manifestFolder('selA', 4000);
    const b = manifestFolder('selB', 4000);
    const [dsA, dsB] = [path.basename(a), path.basename(b)];
    const open = (datasets: string[] | null, max: number | null) =>
      openDataSource(spec([a, b]), { cwd: '.', seed: 0, select: { datasets, max_datasets: max } });
    const all = await open(null, null);
    expect(new Set(all.records.map((r) => r.dataset))).toEqual(new Set([dsA, dsB]));
    expect(all.warnings).toEqual([]);
    const first = await open(null, 1);
    expect(first.records.map((r) => [r.index, r.dataset])).toEqual([[0, dsA], [1, dsA]]);
    expect(first.warnings).toContain(`training on dataset ${dsA}; left out: ${dsB} (beyond task.max_datasets 1)`);
    expect(first.manifestHash).not.toBe(all.manifestHash);
    const onlyB = await open([dsB], null);
    expect(onlyB.records.map((r) => r.dataset)).toEqual([dsB, dsB]);
    expect(onlyB.warnings).toContain(`training on dataset ${dsB}; left out: ${dsA} (not in task.datasets)`);
    const bFirst = await open([dsB, dsA], 1);
    expect(bFirst.records.map((r) => r.dataset)).toEqual([dsB, dsB]);
    // Reading still works after the re-indexing.
    expect((await bFirst.readSignal(bFirst.records[1])).channels[0]).toHaveLength(2000);
    const err = await open([dsA, 'IMS'], null).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.key).toBe('task.datasets');
    expect(err.message).toContain(`task.datasets names IMS, but the data`);
    expect(err.message).toContain(`holds only ${dsA}, ${dsB}`);
    expect(err.message).toContain('--data can be given more than once');
  });
});

describe.skipIf(!hasCwru || !hasIms)('CWRU + IMS (real data)', () => {
  it('pretraining data for the medium scale: CWRU at 12 kHz (normal from 48 kHz) and IMS from 20 kHz, one channel, two dataset ids', async () => {
    const s = dataSchema.parse({ source: 'files', path: [CWRU_DIR, IMS_DIR], max_windows_per_file: 4 });
    const src = await openDataSource(s, { cwd: '.', seed: 0, select: { datasets: ['CWRU', 'IMS'], max_datasets: 2 } });
    expect(src.records).toHaveLength(19 + 96);
    expect(src.records[0].id).toBe('CWRU:12k_DE/B007_0.mat');
    expect(src.records[19].id).toBe('IMS:1st_test/2003.10.22.12.06.24#b1_x');
    const p = await prepareWindows(src, s, 0);
    expect(p.datasetNames).toEqual(['CWRU', 'IMS']);
    expect(p.train.channels).toBe(1);
    expect(p.files.every((f) => f.fsHz === 12000)).toBe(true);
    // IMS snapshots: 20,480 samples at 20 kHz → 12,288 at 12 kHz.
    expect(p.files.filter((f) => f.dataset === 'IMS').every((f) => f.samples === 12288)).toBe(true);
    expect(p.warnings.some((w) => w.includes('(12000 Hz: 18, 20000 Hz: 96, 48000 Hz: 1): every recording is resampled to 12000 Hz'))).toBe(true);
  });
});

/** A manifest folder of two-column CSV recordings whose columns are named `cols` (values: column k = k + 1 + a sine). */
function twoColumnFolder(tag: string, cols: [string, string]): string {
  const dir = tempDir(tag);
  const n = 400;
  for (const name of ['a.csv', 'b.csv']) {
    const rows = Array.from({ length: n }, (_, i) => `${(1 + Math.sin(i / 7)).toFixed(6)},${(2 + Math.sin(i / 5)).toFixed(6)}`);
    writeFileSync(path.join(dir, name), `${cols.join(',')}\n${rows.join('\n')}\n`);
  }
  writeFileSync(path.join(dir, 'LABELS.csv'), 'path,label,domain,fs_hz\na.csv,normal,d0,4000\nb.csv,fault,d0,4000\n');
  return dir;
}

describe('a signal key per data source (data.path entries {path, signal_key})', () => {
  it('each source reads the variable it names; one data.signal_key for both names the file where it is missing', async () => {
    const drive = twoColumnFolder('keyDrive', ['drive', 'fan']);
    const rig = twoColumnFolder('keyRig', ['acc_x', 'acc_y']);
    const both = await openDataSource(spec([], { path: [{ path: drive, signal_key: 'fan' }, { path: rig, signal_key: 'acc_x' }] }), { cwd: '.', seed: 0 });
    const first = await both.readSignal(both.records[0]);
    const third = await both.readSignal(both.records[2]);
    expect([first.channelNames, third.channelNames]).toEqual([['fan'], ['acc_x']]);
    expect(first.channels[0][0]).toBeCloseTo(2, 5); // the fan column (2 + sin 0), not drive's 1
    expect(third.channels[0][0]).toBeCloseTo(1, 5);
    // A plain path entry keeps data.signal_key; windows are prepared from both sources.
    const mixed = spec([], { path: [{ path: drive, signal_key: 'drive' }, rig], signal_key: 'acc_y' });
    const p = await prepareWindows(await openDataSource(mixed, { cwd: '.', seed: 0 }), mixed, 0);
    expect(p.files.length).toBe(4);
    expect(p.train.channels).toBe(1);

    const one = spec([drive, rig], { signal_key: 'fan' });
    const src = await openDataSource(one, { cwd: '.', seed: 0 });
    const err = await src.readSignal(src.records[2]).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toContain(path.join(rig, 'a.csv'));
    expect(err.message).toMatch(/fan/);
    expect(err.message).toMatch(/acc_x/);
  });
});
