import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectPath } from '../../../src-main/data/index.js';
import { CWRU_DIR, hasCwru, manifestDeclaringNormalAt12k, tempDir } from './data-paths.js';

describe('inspectPath', () => {
  it('summarises a CSV signal file as plain JSON', async () => {
    const dir = tempDir('inspect');
    const file = path.join(dir, 'sig.csv');
    writeFileSync(file, '# fs_hz: 1000\na,b\n1,10\n2,20\n3,30\nNaN,40\n');
    const r = await inspectPath(file);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(r).toMatchObject({ kind: 'file', format: 'csv', fsHz: 1000, samples: 4, durationS: 0.004 });
    if (r.kind !== 'file') throw new Error('expected a file report');
    expect(r.variables.map((v) => v.name)).toEqual(['a', 'b']);
    expect(r.channels[0]).toMatchObject({ name: 'a', mean: 2, min: 1, max: 3, nonFinite: 1 });
    expect(r.channels[1].std).toBeCloseTo(Math.sqrt(125), 12);
  });

  it('says what is valid for a path that does not exist', async () => {
    await expect(inspectPath('/nonexistent/x.mat')).rejects.toThrow(/does not exist; give a signal file \(.mat, .h5, .csv\)/);
  });

  it('names a CWRU normal baseline that a manifest declares at 12 kHz before anyone trains on it', async () => {
    const r = await inspectPath(manifestDeclaringNormalAt12k('inspect-normal12k'));
    if (r.kind !== 'dataset') throw new Error('expected a dataset report');
    expect(r.warnings.some((w) => w.startsWith("normal.csv is declared 12000 Hz, but CWRU's normal baseline was recorded at 48 kHz"))).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('ir.csv'))).toBe(false);
  });

  describe.skipIf(!hasCwru)('on real CWRU data', () => {
    const stats = readFileSync(path.join(CWRU_DIR, 'STATS.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));

    it('lists every variable of a .mat file and matches SciPy statistics', async () => {
      const r = await inspectPath(path.join(CWRU_DIR, '12k_DE', 'B007_0.mat'));
      if (r.kind !== 'file') throw new Error('expected a file report');
      expect(r.variables.map((v) => v.name)).toEqual(['X118_DE_time', 'X118_FE_time', 'X118_BA_time', 'X118RPM']);
      expect(r.rpm).toBe(1796);
      expect(r.samples).toBe(122571);
      for (const row of stats.filter((s) => s[0] === '12k_DE/B007_0.mat')) {
        const ch = r.channels.find((c) => c.name === row[1])!;
        expect(ch.samples).toBe(Number(row[2]));
        expect(ch.mean).toBeCloseTo(Number(row[3]), 8);
        expect(ch.std).toBeCloseTo(Number(row[4]), 8);
        expect(ch.min).toBeCloseTo(Number(row[5]), 8);
        expect(ch.max).toBeCloseTo(Number(row[6]), 8);
      }
      const keyed = await inspectPath(path.join(CWRU_DIR, '12k_DE', 'B007_0.mat'), { signalKey: '_DE_time' });
      if (keyed.kind !== 'file') throw new Error('expected a file report');
      expect(keyed.channels.map((c) => c.name)).toEqual(['X118_DE_time']);
    });

    it('summarises the dataset folder: classes, domains, rates, duration, per file', async () => {
      const r = await inspectPath(CWRU_DIR);
      if (r.kind !== 'dataset') throw new Error('expected a dataset report');
      expect(JSON.parse(JSON.stringify(r))).toEqual(r);
      expect(r.source).toBe('manifest');
      expect(r.files).toBe(19);
      expect(r.classes).toEqual({ ball: 6, inner_race: 6, normal: 1, outer_race: 6 });
      expect(r.domains).toEqual({ load_0HP: 10, load_1HP: 9 });
      // Normal_0 at 48 kHz (LABELS.csv since 2026-12-04), every fault file at 12 kHz.
      expect(r.sampleRates).toEqual([12000, 48000]);
      const de = stats.filter((s) => s[1].endsWith('_DE_time'));
      const total = de.reduce((a, s) => a + Number(s[2]) / (s[0].includes('Normal') ? 48000 : 12000), 0);
      expect(r.totalDurationS).toBeCloseTo(total, 6);
      const normal = r.perFile.find((f) => f.label === 'normal')!;
      expect(normal).toMatchObject({ samples: 243938, channels: 1, rpm: 1796 });
      expect(r.warnings.some((w) => w.includes('different sample rates (12000 Hz: 18, 48000 Hz: 1)'))).toBe(true);
      expect(r.warnings.some((w) => w.includes('is declared 12000 Hz'))).toBe(false);
    });

    it('gives per-channel statistics for each file of a folder, as SciPy computes them', async () => {
      const r = await inspectPath(CWRU_DIR);
      if (r.kind !== 'dataset') throw new Error('expected a dataset report');
      for (const f of r.perFile) {
        expect(f.channelStats).toHaveLength(f.channels);
        for (const c of f.channelStats) {
          const row = stats.find((s) => s[0] === f.id && s[1] === c.name);
          expect(row, `no STATS.csv row for ${f.id} ${c.name}`).toBeDefined();
          expect(c.samples).toBe(Number(row![2]));
          expect(c.mean).toBeCloseTo(Number(row![3]), 8);
          expect(c.std).toBeCloseTo(Number(row![4]), 8);
        }
      }
    });

    it('reads the folder by CWRU file names with --layout CWRU: Normal at 48 kHz, and mixed rates are flagged', async () => {
      const r = await inspectPath(CWRU_DIR, { layout: 'CWRU' });
      if (r.kind !== 'dataset') throw new Error('expected a dataset report');
      expect(r.sampleRates).toEqual([12000, 48000]);
      expect(r.warnings.some((w) => w.includes('different sample rates (12000 Hz: 18, 48000 Hz: 1)'))).toBe(true);
      expect(r.warnings.some((w) => w.includes('is declared 12000 Hz'))).toBe(false);
    });
  });
});
