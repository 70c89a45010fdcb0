/**
 * data.fs_overrides + data.resample_hz in prepareWindows. 12k_DE/Normal_0.mat was recorded at
 * 48 kHz (the shared LABELS.csv says so since 2026-12-04; it said 12 kHz before): read as 12 kHz
 * its machine lines sit at the wrong frequencies, a confound for every normal-vs-fault comparison.
 * The old 12 kHz declaration is reproduced with data.fs_overrides {Normal_0: 12000}.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataSchema, type DataSpec } from '../../../src-main/config/schema.js';
import { DataError, openDataSource, prepareWindows, type DataSource, type PreparedData } from '../../../src-main/data/index.js';
import { rfftPower } from '../../../src-main/data/fft.js';
import { CWRU_DIR, hasCwru, manifestDeclaringNormalAt12k, tempDir } from './data-paths.js';

const NORMAL = '12k_DE/Normal_0.mat';
const NORMAL_SAMPLES = 243938;

/** The source with only the named records (re-indexed), so a test reads just the files it needs. */
function only(src: DataSource, ids: string[]): DataSource {
  return { ...src, records: src.records.filter((r) => ids.includes(r.id)).map((r, index) => ({ ...r, index })) };
}

async function prepare(spec: DataSpec, ids?: string[]): Promise<PreparedData> {
  const src = await openDataSource(spec, { cwd: '.', seed: 3 });
  return prepareWindows(ids ? only(src, ids) : src, spec, 3);
}

/**
 * Welch-like spectrum of one file's windows (every split): mean Hann-windowed periodogram of the
 * mean-removed windows, and the ratio of the strongest bin within ±5 Hz of f to the median bin
 * in 200–500 Hz.
 */
function lineStrength(p: PreparedData, id: string): (fHz: number) => number {
  const file = p.files.findIndex((f) => f.id === id);
  expect(file).toBeGreaterThanOrEqual(0);
  const L = p.train.length;
  const fs = p.files[file].fsHz!;
  const hann = Float64Array.from({ length: L }, (_, t) => 0.5 - 0.5 * Math.cos((2 * Math.PI * t) / L));
  let sum: Float64Array | null = null;
  let count = 0;
  for (const set of [p.train, p.val, p.test]) {
    for (let i = 0; i < set.n; i++) {
      if (set.file[i] !== file) continue;
      const w = set.x.subarray(i * L, (i + 1) * L);
      const mean = w.reduce((a, b) => a + b, 0) / L;
      const P = rfftPower(Float64Array.from(w, (v, t) => (v - mean) * hann[t]));
      sum ??= new Float64Array(P.length);
      for (let k = 0; k < P.length; k++) sum[k] += P[k];
      count++;
    }
  }
  expect(count).toBeGreaterThanOrEqual(8);
  const P = sum!;
  const bin = (f: number): number => Math.round((f * L) / fs);
  const background = Array.from(P.subarray(bin(200), bin(500) + 1)).sort((a, b) => a - b);
  const median = background[background.length >> 1];
  return (fHz) => Math.max(...P.subarray(Math.ceil(((fHz - 5) * L) / fs), Math.floor(((fHz + 5) * L) / fs) + 1)) / median;
}

describe('data.resample_hz / data.fs_overrides (small files)', () => {
  it('a file with no known rate cannot be resampled: a DataError naming the file and data.resample_hz', async () => {
    const dir = tempDir('resample-nofs');
    const file = path.join(dir, 's.csv');
    writeFileSync(file, 'a\n' + Array.from({ length: 400 }, (_, i) => Math.sin(i / 3)).join('\n'));
    const spec = dataSchema.parse({ source: 'files', path: file, window_length: 64, stride: 64, resample_hz: 12000 });
    const err = await prepareWindows(await openDataSource(spec, { cwd: '.', seed: 0 }), spec, 0).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.key).toBe('data.resample_hz');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/sample rate of s\.csv is unknown/);
    // With the rate given by data.fs_overrides it resamples (4 kHz → 12 kHz: 3× the samples).
    const ok = await prepare({ ...spec, fs_overrides: { 's.csv': 4000 } });
    expect(ok.files[0]).toMatchObject({ fsHz: 12000, samples: 1200 });
    expect(ok.train.fsHz.every((f) => f === 12000)).toBe(true);
  });

  it('a ratio that needs a factor above 1000 names the file and both rates', async () => {
    const dir = tempDir('resample-ratio');
    writeFileSync(path.join(dir, 'a.csv'), 'a\n' + Array.from({ length: 400 }, (_, i) => Math.sin(i / 3)).join('\n'));
    writeFileSync(path.join(dir, 'LABELS.csv'), 'path,label,domain,fs_hz\na.csv,x,d,97656\n');
    const spec = dataSchema.parse({ source: 'files', path: dir, window_length: 16, stride: 16, resample_hz: 12000 });
    const err = await prepare(spec).catch((e) => e);
    expect(err).toBeInstanceOf(DataError);
    expect(err.message).toMatch(/a\.csv: cannot resample from 97656 Hz to 12000 Hz/);
    expect(err.file).toBe(path.join(dir, 'a.csv'));
  });


  it('names a CWRU normal baseline declared 12 kHz, and stops naming it once corrected and resampled', async () => {
    const dir = manifestDeclaringNormalAt12k('resample-normal12k');
    const spec = dataSchema.parse({ source: 'files', path: dir, window_length: 256, stride: 256 });
    const declared = await prepare(spec);
    expect(declared.warnings.some((w) => w.includes("normal.csv is declared 12000 Hz, but CWRU's normal baseline was recorded at 48 kHz"))).toBe(true);
    expect(declared.warnings.filter((w) => w.includes('ir.csv'))).toEqual([]);
    const corrected = await prepare({ ...spec, fs_overrides: { 'normal.csv': 48000 }, resample_hz: 12000 });
    expect(corrected.warnings.filter((w) => /48 kHz|different sample rates/.test(w))).toEqual([]);
    expect(corrected.files.map((f) => [f.id, f.fsHz, f.samples])).toEqual([
      ['normal.csv', 12000, 512],
      ['ir.csv', 12000, 2048],
    ]);
  });
});

describe.skipIf(!hasCwru)('data.resample_hz / data.fs_overrides (real CWRU)', () => {
  // The manifest gives Normal_0 at 48 kHz and every fault file at 12 kHz; base keeps each file's rate.
  const base = dataSchema.parse({ source: 'files', path: CWRU_DIR, max_windows_per_file: 4, resample_hz: null });
  const fixed = { ...base, resample_hz: 12000 };
  const misdeclared = { ...base, fs_overrides: { [NORMAL]: 12000 } };

  it('resamples the 48 kHz Normal_0 to 12 kHz; the fault files are untouched', async () => {
    const [before, after] = [await prepare(base), await prepare(fixed)];
    expect(after.files).toHaveLength(19);
    for (const [i, f] of after.files.entries()) {
      if (f.id === NORMAL) {
        expect(before.files[i]).toMatchObject({ fsHz: 48000, samples: NORMAL_SAMPLES });
        expect(f).toMatchObject({ fsHz: 12000, samples: Math.ceil(NORMAL_SAMPLES / 4) });
      } else {
        expect(f).toEqual(before.files[i]);
      }
    }
    for (const s of ['train', 'val', 'test'] as const) {
      expect(after[s].fsHz.every((fs) => fs === 12000)).toBe(true);
      expect(after[s].n).toBe(before[s].n);
      for (let i = 0; i < after[s].n; i++) {
        if (after.files[after[s].file[i]].id === NORMAL) continue;
        const L = after[s].length;
        expect(after[s].x.subarray(i * L, (i + 1) * L)).toEqual(before[s].x.subarray(i * L, (i + 1) * L));
      }
    }
    // The override alone (no resample_hz) only relabels the rate.
    const relabelled = await prepare(misdeclared, [NORMAL]);
    expect(relabelled.files[0]).toMatchObject({ fsHz: 12000, samples: NORMAL_SAMPLES });
    expect(relabelled.train.fsHz.every((fs) => fs === 12000)).toBe(true);

    // The confounds are named: a 12 kHz normal baseline, and mixed rates without resample_hz.
    expect(relabelled.warnings.some((w) => w.includes(`${NORMAL} is declared 12000 Hz, but CWRU's normal baseline was recorded at 48 kHz`))).toBe(true);
    const mixed = await prepare(base, [NORMAL, '12k_DE/B007_0.mat']);
    expect(mixed.warnings.some((w) => w.includes('different sample rates (12000 Hz: 1, 48000 Hz: 1)') && w.includes('data.resample_hz'))).toBe(true);
    expect(after.warnings.filter((w) => /48 kHz|different sample rates/.test(w))).toEqual([]);
    // The default (auto) resamples mixed rates to the lowest, exactly as resample_hz 12000 does, and says so.
    const auto = await prepare({ ...base, resample_hz: 'auto' });
    expect(auto.files).toEqual(after.files);
    for (const s of ['train', 'val', 'test'] as const) expect(auto[s].x).toEqual(after[s].x);
    expect(auto.warnings).toContain(
      "recordings have different sample rates (12000 Hz: 18, 48000 Hz: 1): every recording is resampled to 12000 Hz, the lowest (data.resample_hz: auto; set a rate, or null to keep each file's own)",
    );
  });

  it('an override key naming no recording is a DataError with the key, a suggestion and the valid ids', async () => {
    for (const [bad, hint] of [
      ['Normal_0.mat', `did you mean '${NORMAL}'`],
      ['12k_DE/Normal_O.mat', `did you mean '${NORMAL}'`],
      ['48k_DE/elsewhere.mat', null],
    ] as const) {
      const err = await prepare({ ...base, fs_overrides: { [bad]: 48000 } }).catch((e) => e);
      expect(err).toBeInstanceOf(DataError);
      expect(err.key).toBe('data.fs_overrides');
      expect(err.value).toBe(bad);
      expect(err.message).toContain('data.fs_overrides');
      expect(err.message).toContain(`'${bad}'`);
      expect(err.message).toContain('12k_DE/B007_0.mat, 12k_DE/B007_1.mat');
      if (hint) expect(err.message).toContain(hint);
      else expect(err.message).not.toContain('did you mean');
    }
  });

  it('after the correction Normal_0 shows the machine lines the fault files show; without it, it does not', async () => {
    // 4096-sample windows at 12 kHz: 2.9 Hz bins. The 419 Hz line (14× the 29.93 Hz shaft rate) is in
    // every 12 kHz fault file. Read as 12 kHz the normal file puts it at 419/4 Hz, and 4·419 Hz is no
    // line of the machine, so nothing stands at 419 Hz. (360 Hz = 12× shaft is not a test:
    // 4·360 Hz = 48× shaft is a line too, so the uncorrected file also has a peak there.)
    const spec = { ...base, window_length: 4096, stride: 4096, max_windows_per_file: null };
    const faults = ['12k_DE/IR007_0.mat', '12k_DE/B007_0.mat', '12k_DE/OR007@6_0.mat'];
    const ids = [NORMAL, ...faults];
    const corrected = await prepare({ ...spec, resample_hz: 12000 }, ids);
    const raw = await prepare({ ...spec, fs_overrides: { [NORMAL]: 12000 } }, ids);
    const lines = [360, 419, 449];
    const normalFixed = lineStrength(corrected, NORMAL);
    const normalRaw = lineStrength(raw, NORMAL);
    for (const f of lines) {
      expect(normalFixed(f)).toBeGreaterThan(20);
      for (const fault of faults) expect(lineStrength(corrected, fault)(f)).toBeGreaterThan(20);
    }
    expect(normalRaw(419)).toBeLessThan(2);
    expect(normalRaw(449)).toBeLessThan(2);
  });
});
