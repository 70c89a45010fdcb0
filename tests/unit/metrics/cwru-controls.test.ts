/**
 * The key scientific test (issue 5): on real CWRU windows every generation metric must
 * rank real-vs-real (two disjoint halves, split by contiguous segment within each file)
 * better than each negative control (white noise with matched mean/std, phase-randomised
 * surrogates). The measured values are printed for docs/EVALUATION.md.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { readSignalFile } from '../../../src-main/data/index.js';
import {
  type Matrix, classifierTwoSampleTest, columnStats, conditionFeatures, defectHitRate, defectTargetHz,
  featureKs, ks2samp, mmdPermutationTest, phaseRandomizedControl, realVsRealSplit, segmentGroups, setLogSpectralDistance,
  standardizeWith, takeRows, whiteNoiseControl,
} from '../../../src-main/engine/metrics/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const dataRoot = path.resolve(process.env.FLOWBENCH_DATA ?? path.resolve(here, '../../..', '../shared/data'));
const cwru = path.join(dataRoot, 'cwru');
const hasCwru = existsSync(path.join(cwru, 'LABELS.csv'));
if (!hasCwru) console.warn(`[eval tests] real CWRU data not found at ${cwru}: the CWRU negative-control test is SKIPPED (set FLOWBENCH_DATA)`);

const FS = 12000;
const L = 1024;
const PER_FILE = 96;
const SEGMENT = 8 * L; // 8 windows per contiguous segment
const FILES = [
  { file: 'Normal_0.mat', kind: null },
  { file: 'IR007_0.mat', kind: 'bpfi' },
  { file: 'IR021_0.mat', kind: 'bpfi' },
  { file: 'OR007@6_0.mat', kind: 'bpfo' },
  { file: 'OR021@6_0.mat', kind: 'bpfo' },
  { file: 'B007_0.mat', kind: 'bsf' },
] as const;

interface Loaded {
  windows: Matrix;
  file: Int32Array;
  start: Int32Array;
  rpm: number[];
}

/** PER_FILE non-overlapping windows from the start of each file's drive-end channel, each z-scored. */
async function load(): Promise<Loaded> {
  const data = new Float64Array(FILES.length * PER_FILE * L);
  const file = new Int32Array(FILES.length * PER_FILE);
  const start = new Int32Array(FILES.length * PER_FILE);
  const rpm: number[] = [];
  for (let f = 0; f < FILES.length; f++) {
    const sig = await readSignalFile(path.join(cwru, '12k_DE', FILES[f].file), { signalKey: '_DE_time' });
    rpm.push(sig.rpm ?? 1797);
    const x = sig.channels[0];
    for (let w = 0; w < PER_FILE; w++) {
      const i = f * PER_FILE + w;
      let m = 0, v = 0;
      for (let t = 0; t < L; t++) m += x[w * L + t];
      m /= L;
      for (let t = 0; t < L; t++) v += (x[w * L + t] - m) ** 2;
      const s = Math.sqrt(v / L);
      for (let t = 0; t < L; t++) data[i * L + t] = (x[w * L + t] - m) / s;
      file[i] = f;
      start[i] = w * L;
    }
  }
  return { windows: { data, n: FILES.length * PER_FILE, d: L }, file, start, rpm };
}

describe.skipIf(!hasCwru)('CWRU: every metric ranks real-vs-real above the negative controls', () => {
  let A: Matrix, B: Matrix, white: Matrix, phase: Matrix;
  let fileB: Int32Array;
  let real: Loaded;
  const measured: Record<string, Record<string, number>> = {};

  beforeAll(async () => {
    real = await load();
    const groups = segmentGroups(real.file, real.start, SEGMENT);
    const split = realVsRealSplit(groups, 7, real.file);
    A = takeRows(real.windows, split.a);
    B = takeRows(real.windows, split.b);
    fileB = Int32Array.from(split.b, (i) => real.file[i]);
    white = whiteNoiseControl(B, 11);
    phase = phaseRandomizedControl(B, 13);
  });

  const sets = (): [string, Matrix][] => [['real_vs_real', B], ['white_noise', white], ['phase_randomized', phase]];

  it('MMD² on standardised condition features', () => {
    const fa = conditionFeatures(A, FS);
    const stats = columnStats(fa);
    const za = standardizeWith(fa, stats);
    const row: Record<string, number> = {};
    for (const [name, X] of sets()) row[name] = mmdPermutationTest(za, standardizeWith(conditionFeatures(X, FS), stats), { permutations: 100, seed: 1 }).mmd2;
    measured.mmd2_features = row;
    expect(row.real_vs_real).toBeLessThan(row.white_noise);
    expect(row.real_vs_real).toBeLessThan(row.phase_randomized);
  });

  it('feature KS (mean over features)', () => {
    const row: Record<string, number> = {};
    for (const [name, X] of sets()) row[name] = featureKs(A, X, FS).meanStatistic;
    measured.feature_ks_mean = row;
    expect(row.real_vs_real).toBeLessThan(row.white_noise);
    expect(row.real_vs_real).toBeLessThan(row.phase_randomized);
  });

  it('log-spectral distance of mean Welch PSDs (dB)', () => {
    const row: Record<string, number> = {};
    for (const [name, X] of sets()) row[name] = setLogSpectralDistance(A, X, FS, { nperseg: 256 });
    measured.lsd_db = row;
    expect(row.real_vs_real).toBeLessThan(row.white_noise);
    expect(row.real_vs_real).toBeLessThan(row.phase_randomized);
  });

  it('C2ST accuracy on condition features', () => {
    const fa = conditionFeatures(A, FS);
    const row: Record<string, number> = {};
    for (const [name, X] of sets()) row[name] = classifierTwoSampleTest(fa, conditionFeatures(X, FS), { folds: 5, seed: 3 }).accuracy;
    measured.c2st_accuracy = row;
    expect(row.real_vs_real).toBeLessThan(row.white_noise);
    expect(row.real_vs_real).toBeLessThan(row.phase_randomized);
  });

  it("the reference's pooled-amplitude KS is blind to white noise; feature KS is not", () => {
    const pooled = ks2samp(A.data, white.data).statistic;
    measured.pooled_amplitude_ks = { white_noise: pooled };
    expect(pooled).toBeLessThan(0.1);
    expect(featureKs(A, white, FS).meanStatistic).toBeGreaterThan(5 * pooled);
  });

  it('envelope defect-frequency hit rate for IR and OR files', () => {
    for (let f = 0; f < FILES.length; f++) {
      const kind = FILES[f].kind;
      if (kind !== 'bpfi' && kind !== 'bpfo') continue;
      const target = defectTargetHz(kind, real.rpm[f]);
      const pick = (rows: Int32Array) => Array.from(rows.keys()).filter((i) => rows[i] === f);
      const rowsB = pick(fileB);
      const row: Record<string, number> = {};
      row.real = defectHitRate(takeRows(B, rowsB), FS, target).rate;
      row.white_noise = defectHitRate(takeRows(white, rowsB), FS, target).rate;
      row.phase_randomized = defectHitRate(takeRows(phase, rowsB), FS, target).rate;
      row.target_hz = target;
      measured[`hit_rate_${FILES[f].file}`] = row;
      expect(row.real).toBeGreaterThan(row.white_noise);
      expect(row.real).toBeGreaterThan(row.phase_randomized);
      // Measured 100 % for IR007, IR021, OR007 and 46 % for OR021@6 (whose drive-end BPFO is weak).
      if (FILES[f].file !== 'OR021@6_0.mat') expect(row.real).toBeGreaterThanOrEqual(0.8);
      expect(row.white_noise).toBeLessThan(0.2);
    }
    console.log('[eval] CWRU negative-control measurements:\n' + JSON.stringify(measured, null, 1));
  });
});
