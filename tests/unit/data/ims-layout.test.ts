/**
 * The IMS layout: timestamp-named, headerless, tab-separated snapshots with no manifest, read as
 * published (one record per accelerometer, 20 kHz, 2000 rpm, label unknown).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataSchema } from '../../../src-main/config/schema.js';
import { DataError, inspectPath, openDataSource, prepareWindows } from '../../../src-main/data/index.js';
import { IMS_DIR, hasIms, tempDir } from './data-paths.js';

/** A folder like the published test 1 (8 columns) and test 2 (4 columns), 600 rows each. */
function smallImsFolder(): { dir: string; rows: number[][] } {
  const dir = tempDir('ims');
  const rows = Array.from({ length: 600 }, (_, i) => Array.from({ length: 8 }, (_, c) => Number((Math.sin(i / (3 + c)) * (c + 1) * 0.1).toFixed(3))));
  mkdirSync(path.join(dir, '1st_test'));
  mkdirSync(path.join(dir, '2nd_test'));
  const text = (cols: number): string => rows.map((r) => r.slice(0, cols).join('\t')).join('\r\n') + '\r\n';
  writeFileSync(path.join(dir, '1st_test', '2003.10.22.12.06.24'), text(8));
  writeFileSync(path.join(dir, '1st_test', '2003.10.22.12.09.13'), text(8));
  writeFileSync(path.join(dir, '2nd_test', '2004.02.12.10.32.39'), text(4));
  writeFileSync(path.join(dir, 'notes.csv'), 'a\n1\n');
  return { dir, rows };
}

describe('IMS layout (generated folder)', () => {
  it('detects the layout from the file names and makes one record per channel', async () => {
    const { dir, rows } = smallImsFolder();
    const spec = dataSchema.parse({ source: 'files', path: dir, window_length: 64, stride: 64 });
    const src = await openDataSource(spec, { cwd: '.', seed: 0 });
    expect(src.kind).toBe('catalog');
    expect(src.description).toMatch(/^IMS folder .*: 20 recordings$/);
    expect(src.records.map((r) => r.id).slice(0, 3)).toEqual(['1st_test/2003.10.22.12.06.24#b1_x', '1st_test/2003.10.22.12.06.24#b1_y', '1st_test/2003.10.22.12.06.24#b2_x']);
    expect(src.records.slice(16).map((r) => r.id)).toEqual(['2nd_test/2004.02.12.10.32.39#b1', '2nd_test/2004.02.12.10.32.39#b2', '2nd_test/2004.02.12.10.32.39#b3', '2nd_test/2004.02.12.10.32.39#b4']);
    expect(src.records[3]).toMatchObject({ label: 'unknown', dataset: 'IMS', fsHz: 20000, rpm: 2000, signalKey: 'b2_y', metadata: { test: '1', channel: 'b2_y', timestamp: '2003-10-22T12:06:24' } });
    // notes.csv is no snapshot and no CWRU/XJTU/PU/HUST file: left out, and said so.
    expect(src.warnings.some((w) => w.includes('notes.csv'))).toBe(true);
    // Each record reads its own column.
    const b2y = await src.readSignal(src.records[3]);
    expect(b2y.channelNames).toEqual(['b2_y']);
    expect(Array.from(b2y.channels[0]).slice(0, 5)).toEqual(rows.slice(0, 5).map((r) => Math.fround(r[3])));
    const t2 = await src.readSignal(src.records[19]);
    expect(t2.channelNames).toEqual(['b4']);
    expect(t2.channels[0][7]).toBe(Math.fround(rows[7][3]));
    // Windows at 20 kHz, one channel each.
    const p = await prepareWindows(src, spec, 0);
    expect(p.datasetNames).toEqual(['IMS']);
    expect(p.train.channels).toBe(1);
    expect(p.files.every((f) => f.fsHz === 20000 && f.samples === 600)).toBe(true);
  });

  it('data inspect reads a snapshot file and a snapshot folder', async () => {
    const { dir } = smallImsFolder();
    const file = await inspectPath(path.join(dir, '1st_test', '2003.10.22.12.06.24'));
    if (file.kind !== 'file') throw new Error('expected a file report');
    expect(file).toMatchObject({ format: 'csv', fsHz: 20000, rpm: 2000, samples: 600 });
    expect(file.variables.map((v) => v.name)).toEqual(['b1_x', 'b1_y', 'b2_x', 'b2_y', 'b3_x', 'b3_y', 'b4_x', 'b4_y']);
    const folder = await inspectPath(dir, { layout: 'IMS' });
    if (folder.kind !== 'dataset') throw new Error('expected a dataset report');
    expect(folder).toMatchObject({ files: 20, datasets: { IMS: 20 }, classes: { unknown: 20 }, sampleRates: [20000] });
  });

  it('a snapshot with another column count is a DataError naming the file and the count', async () => {
    const dir = tempDir('ims-bad');
    mkdirSync(path.join(dir, '1st_test'));
    writeFileSync(path.join(dir, '1st_test', '2003.10.22.12.06.24'), '0.1\t0.2\t0.3\n0.1\t0.2\t0.3\n');
    const spec = dataSchema.parse({ source: 'files', path: dir, layout: 'IMS' });
    const err = await openDataSource(spec, { cwd: '.', seed: 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/2003\.10\.22\.12\.06\.24: an IMS snapshot has 8 tab-separated columns \(test 1\) or 4 \(tests 2–4\); its first line has 3/);
  });
});

describe.skipIf(!hasIms)('IMS layout (real ../shared/data/ims)', () => {
  it('reads the 12 published snapshots: 96 single-channel records at 20 kHz, 20,480 samples each, values as in the text', async () => {
    const spec = dataSchema.parse({ source: 'files', path: IMS_DIR, window_length: 1024, stride: 1024 });
    const src = await openDataSource(spec, { cwd: '.', seed: 0 });
    const snapshots = readdirSync(path.join(IMS_DIR, '1st_test')).sort();
    expect(snapshots).toHaveLength(12);
    expect(src.records).toHaveLength(96);
    expect(new Set(src.records.map((r) => r.dataset))).toEqual(new Set(['IMS']));
    // The first and last lines of one snapshot, split by hand, against what the reader gives.
    const file = path.join(IMS_DIR, '1st_test', snapshots[5]);
    const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(20480);
    const first = lines[0].split('\t').map(Number);
    const last = lines.at(-1)!.split('\t').map(Number);
    for (const [c, name] of ['b1_x', 'b1_y', 'b2_x', 'b2_y', 'b3_x', 'b3_y', 'b4_x', 'b4_y'].entries()) {
      const r = src.records.find((x) => x.id === `1st_test/${snapshots[5]}#${name}`)!;
      const s = await src.readSignal(r);
      expect(s.channels[0]).toHaveLength(20480);
      expect(s.channels[0][0]).toBe(Math.fround(first[c]));
      expect(s.channels[0][20479]).toBe(Math.fround(last[c]));
    }
    const report = await inspectPath(IMS_DIR);
    if (report.kind !== 'dataset') throw new Error('expected a dataset report');
    expect(report).toMatchObject({ files: 96, sampleRates: [20000], datasets: { IMS: 96 } });
    expect(report.totalDurationS).toBeCloseTo((96 * 20480) / 20000, 9);
  });
});
