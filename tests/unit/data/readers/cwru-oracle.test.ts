import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSignalFile, readSignalFile64 } from '../../../../src-main/data/readers/signal-file.js';

// The oracle: STATS.csv holds SciPy's reading of every CWRU file (loadmat; numpy mean and std with ddof=0).
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const dataRoot = process.env.FLOWBENCH_DATA ?? path.resolve(repoRoot, '../shared/data');
const cwru = path.join(dataRoot, 'cwru');
const hasData = existsSync(path.join(cwru, 'STATS.csv'));
if (!hasData) console.warn(`[cwru-oracle] skipped: no CWRU data at ${cwru} (set FLOWBENCH_DATA)`);

interface Row { file: string; key: string; samples: number; mean: string; std: string; min: string; max: string; first3: string[]; rpm: number }

function rows(): Row[] {
  const lines = readFileSync(path.join(cwru, 'STATS.csv'), 'utf8').trim().split('\n');
  const cols = lines[0]!.split(',');
  expect(cols).toEqual(['file', 'key', 'samples', 'mean', 'std', 'min', 'max', 'first3', 'rpm']);
  return lines.slice(1).map((l) => {
    const c = l.split(',');
    return { file: c[0]!, key: c[1]!, samples: Number(c[2]), mean: c[3]!, std: c[4]!, min: c[5]!, max: c[6]!, first3: c[7]!.split(' '), rpm: Number(c[8]) };
  });
}

/**
 * The oracle prints 9 significant digits (%.9g): a match is within half a unit of the
 * last printed digit, plus 1e-12 relative slack for summation order.
 */
function expectPrinted(actual: number, printed: string): void {
  const want = Number(printed);
  const digits = printed.replace(/^-/, '').replace(/e.*$/i, '').replace('.', '').replace(/^0+/, '').length;
  const exp = want === 0 ? 0 : Math.floor(Math.log10(Math.abs(want)));
  const halfUnit = 0.5 * 10 ** (exp - digits + 1);
  expect(Math.abs(actual - want), `${actual} vs ${printed}`).toBeLessThanOrEqual(halfUnit * 1.0001 + 1e-12 * Math.abs(want));
}

describe.skipIf(!hasData)('CWRU oracle (SciPy loadmat) — every file and channel of STATS.csv', () => {
  it('covers all 19 files', () => {
    expect(new Set(rows().map((r) => r.file)).size).toBe(19);
  });

  it('matches sample count, mean, std (ddof=0), min, max, first three values and RPM', async () => {
    for (const r of rows()) {
      const s = await readSignalFile64(path.join(cwru, r.file), { signalKey: r.key });
      expect(s.channelNames).toEqual([r.key]);
      const x = s.channels[0]!;
      expect(x.length, `${r.file} ${r.key}`).toBe(r.samples);
      let sum = 0, min = Infinity, max = -Infinity;
      for (const v of x) { sum += v; if (v < min) min = v; if (v > max) max = v; }
      const mean = sum / x.length;
      let ss = 0;
      for (const v of x) ss += (v - mean) ** 2;
      expectPrinted(mean, r.mean);
      expectPrinted(Math.sqrt(ss / x.length), r.std);
      expectPrinted(min, r.min);
      expectPrinted(max, r.max);
      r.first3.forEach((p, i) => expectPrinted(x[i]!, p));
      expect(s.rpm, `${r.file} rpm`).toBe(r.rpm);
      expect(s.fsHz).toBeNull(); // CWRU files carry no sample rate; the manifest does
    }
  });

  it('picks a channel by suffix and returns float32 values equal to fround(float64)', async () => {
    const file = path.join(cwru, '12k_DE/B007_0.mat');
    const s32 = await readSignalFile(file, { signalKey: '_DE_time' });
    const s64 = await readSignalFile64(file, { signalKey: '_DE_time' });
    expect(s32.channelNames).toEqual(['X118_DE_time']);
    expect(s32.channels[0]).toBeInstanceOf(Float32Array);
    expect(s32.channels[0]![1]).toBe(Math.fround(s64.channels[0]![1]!));
    expect(s32.file).toBe(file);
  });

  it('several channels by suffix, in the order asked', async () => {
    const s = await readSignalFile(path.join(cwru, '12k_DE/B007_1.mat'), { channels: ['_FE_time', '_DE_time'] });
    expect(s.channelNames).toEqual(['X119_FE_time', 'X119_DE_time']);
    expect(s.rpm).toBe(1772);
  });

  it('no key on a multi-signal file is a DataError listing the signals', async () => {
    await expect(readSignalFile(path.join(cwru, '12k_DE/Normal_0.mat'))).rejects.toThrow(/X097_DE_time, X097_FE_time/);
  });
});
