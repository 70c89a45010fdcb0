import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataSchema } from '../../../src-main/config/schema.js';
import { DataError, openDataSource, prepareWindows, readSignalFile } from '../../../src-main/data/index.js';
import { channelStats } from '../../../src-main/data/normalization.js';
import { segmentBounds } from '../../../src-main/data/splits.js';
import { CWRU_DIR, hasCwru, tempDir } from './data-paths.js';

describe('openDataSource + prepareWindows (synthetic)', () => {
  it('gives 4 classes, 2 load domains, sorted names and ids indexing them', async () => {
    const spec = dataSchema.parse({});
    const src = await openDataSource(spec, { cwd: '.', seed: 42 });
    expect(src.kind).toBe('synthetic');
    const p = await prepareWindows(src, spec, 42);
    expect(p.classNames).toEqual(['ball', 'inner_race', 'normal', 'outer_race']);
    expect(p.domainNames).toEqual(['load_0HP', 'load_1HP']);
    expect(p.datasetNames).toEqual(['synthetic']);
    expect(p.train.x).toHaveLength(p.train.n * 1024);
    for (let i = 0; i < p.train.n; i += 37) {
      const f = p.files[p.train.file[i]];
      expect(p.classNames[p.train.label[i]]).toBe(f.label);
      expect(p.domainNames[p.train.domain[i]]).toBe(f.domain);
      expect(p.train.fsHz[i]).toBe(12000);
    }
    expect(p.manifestHash).toBe(src.manifestHash);
    const again = await openDataSource(spec, { cwd: '.', seed: 42 });
    expect(again.manifestHash).toBe(src.manifestHash);
    expect((await openDataSource(spec, { cwd: '.', seed: 43 })).manifestHash).not.toBe(src.manifestHash);
    expect((await prepareWindows(again, spec, 42)).train.x).toEqual(p.train.x);
  });

  it('drops invalid windows and counts them by reason', async () => {
    const dir = tempDir('bad-windows');
    const rows = ['a'];
    for (let i = 0; i < 4000; i++) rows.push(i >= 500 && i < 600 ? 'NaN' : i >= 1000 && i < 1400 ? '0.5' : String(Math.sin(i)));
    writeFileSync(path.join(dir, 's.csv'), rows.join('\n'));
    const spec = dataSchema.parse({ source: 'files', path: 's.csv', window_length: 100, stride: 100, normalization_scope: 'window', split: { val_fraction: 0.1, test_fraction: 0.1 } });
    const p = await prepareWindows(await openDataSource(spec, { cwd: dir, seed: 0 }), spec, 0);
    expect(p.skipReasons).toEqual({ non_finite: 1, amplitude: 0, flat: 4 });
    expect(p.skippedWindows).toBe(5);
    expect(p.train.n + p.val.n + p.test.n).toBe(40 - 5);
    expect(p.train.x.every(Number.isFinite)).toBe(true);
    expect(p.classNames).toEqual(['unknown']);
  });

  it('explains a missing path and a missing data.path', async () => {
    await expect(openDataSource(dataSchema.parse({ source: 'files' }), { cwd: '.', seed: 0 })).rejects.toThrow(/data.path is not set/);
    const err = await openDataSource(dataSchema.parse({ source: 'files', path: 'nope/x' }), { cwd: '/tmp', seed: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/\/tmp\/nope\/x does not exist/);
  });

  it('refuses recordings with different channel counts, naming both files', async () => {
    const dir = tempDir('channels');
    writeFileSync(path.join(dir, 'one.csv'), 'a\n' + Array.from({ length: 300 }, (_, i) => Math.sin(i)).join('\n'));
    writeFileSync(path.join(dir, 'two.csv'), 'a,b\n' + Array.from({ length: 300 }, (_, i) => `${Math.sin(i)},${Math.cos(i)}`).join('\n'));
    writeFileSync(path.join(dir, 'LABELS.csv'), 'path,label,domain,fs_hz\none.csv,x,d,100\ntwo.csv,y,d,100\n');
    const spec = dataSchema.parse({ source: 'files', path: dir, window_length: 50, stride: 50 });
    await expect(prepareWindows(await openDataSource(spec, { cwd: '.', seed: 0 }), spec, 0)).rejects.toThrow(/two\.csv gave 2 channel\(s\).*one\.csv gave 1/);
  });
});

describe.skipIf(!hasCwru)('openDataSource + prepareWindows (real CWRU)', () => {
  it('reads the 19-file manifest into 4 classes / 2 domains, quickly and faithfully', async () => {
    const spec = dataSchema.parse({ source: 'files', path: CWRU_DIR, max_windows_per_file: 40 });
    const t0 = performance.now();
    const src = await openDataSource(spec, { cwd: '.', seed: 1 });
    const p = await prepareWindows(src, spec, 1);
    expect(performance.now() - t0).toBeLessThan(8000); // ~0.6 s here (hash + read + window); loose for CI load
    expect(src.kind).toBe('manifest');
    expect(src.records).toHaveLength(19);
    expect(src.manifestHash).toMatch(/^[0-9a-f]{64}$/);
    expect(p.classNames).toEqual(['ball', 'inner_race', 'normal', 'outer_race']);
    expect(p.domainNames).toEqual(['load_0HP', 'load_1HP']);
    expect(p.datasetNames).toEqual(['CWRU']);
    expect(p.files).toHaveLength(19);
    for (const f of p.files) expect(f.windows.train + f.windows.val + f.windows.test).toBe(40);
    expect(p.skippedWindows).toBe(0);

    // One window checked against the file read directly: standardised with the train-stretch stats.
    const i = 7;
    const f = p.files[p.test.file[i]];
    const raw = await readSignalFile(f.path, { signalKey: src.records[f.index].signalKey });
    const [a, b] = segmentBounds(f.samples, { val: 0.15, test: 0.15 }).train;
    const st = channelStats(raw.channels, a, b);
    const s = p.test.start[i];
    for (const t of [0, 100, 1023]) {
      expect(p.test.x[i * 1024 + t]).toBeCloseTo((raw.channels[0][s + t] - st.mean[0]) / (st.std[0] + 1e-8), 4);
    }
  });

  it('hash follows the labels and the bytes; folder without manifest → catalogue; one file → one record', async () => {
    const spec = dataSchema.parse({ source: 'files', path: CWRU_DIR });
    const h1 = (await openDataSource(spec, { cwd: '.', seed: 0 })).manifestHash;
    const dir = tempDir('relabel');
    const text = readFileSync(path.join(CWRU_DIR, 'LABELS.csv'), 'utf8');
    const rel = path.relative(dir, CWRU_DIR).split(path.sep).join('/');
    const moved = text.replace(/^12k_DE\//gm, `${rel}/12k_DE/`);
    writeFileSync(path.join(dir, 'LABELS.csv'), moved.replace('12k_DE/B007_0.mat,ball', '12k_DE/B007_0.mat,normal'));
    const relabelled = await openDataSource({ ...spec, path: dir }, { cwd: '.', seed: 0 });
    expect(relabelled.records[0].path).toBe(path.join(CWRU_DIR, '12k_DE', 'B007_0.mat'));
    expect(relabelled.manifestHash).not.toBe(h1);

    const cat = await openDataSource({ ...spec, path: path.join(CWRU_DIR, '12k_DE') }, { cwd: '.', seed: 0 });
    expect(cat.kind).toBe('catalog');
    expect(new Set(cat.records.map((r) => r.label)).size).toBe(4);

    const one = await openDataSource({ ...spec, path: path.join(CWRU_DIR, '12k_DE', 'IR007_0.mat'), signal_key: '_DE_time' }, { cwd: '.', seed: 0 });
    expect(one.kind).toBe('file');
    expect(one.records).toMatchObject([{ label: 'unknown', domain: 'unknown' }]);
    const sig = await one.readSignal(one.records[0]);
    expect(sig.channelNames).toEqual(['X105_DE_time']);
    expect(sig.channels[0]).toHaveLength(121265);
  });
});
