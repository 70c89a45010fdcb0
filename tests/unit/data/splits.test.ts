import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dataSchema, type DataSpec } from '../../../src-main/config/schema.js';
import { openDataSource } from '../../../src-main/data/data-source.js';
import { prepareWindows } from '../../../src-main/data/prepare-windows.js';
import { segmentBounds, splitFiles } from '../../../src-main/data/splits.js';
import type { PreparedData, SplitName } from '../../../src-main/data/types.js';
import { CWRU_DIR, hasCwru, tempDir } from './data-paths.js';

const SPLITS: SplitName[] = ['train', 'val', 'test'];

/** The leakage property: per file, no training window shares a sample with a val/test window. */
function expectNoOverlap(p: PreparedData): void {
  const intervals = new Map<number, Record<SplitName, [number, number][]>>();
  for (const s of SPLITS) {
    const w = p[s];
    for (let i = 0; i < w.n; i++) {
      const f = intervals.get(w.file[i]) ?? { train: [], val: [], test: [] };
      f[s].push([w.start[i], w.start[i] + w.length]);
      intervals.set(w.file[i], f);
    }
  }
  let checked = 0;
  for (const f of intervals.values()) {
    for (const [a0, a1] of f.train) {
      for (const [b0, b1] of [...f.val, ...f.test]) {
        expect(a1 <= b0 || b1 <= a0).toBe(true);
        checked++;
      }
    }
    for (const [a0, a1] of f.val) for (const [b0, b1] of f.test) expect(a1 <= b0 || b1 <= a0).toBe(true);
  }
  if (p.files.some((f) => f.split === 'segment')) expect(checked).toBeGreaterThan(0);
}

/** Under a file split every file's windows lie in one split only. */
function expectOneSplitPerFile(p: PreparedData): void {
  const where = new Map<number, Set<SplitName>>();
  for (const s of SPLITS) for (let i = 0; i < p[s].n; i++) where.set(p[s].file[i], (where.get(p[s].file[i]) ?? new Set()).add(s));
  for (const [file, set] of where) {
    expect(set.size).toBe(1);
    expect([...set][0]).toBe(p.files[file].split);
  }
}

describe('splitFiles', () => {
  it('stratifies by label, is seeded, and says when a class is too small', () => {
    const labels = [...Array(6).fill('a'), ...Array(7).fill('b'), 'c', 'd', 'd'];
    const s = splitFiles(labels, { val: 0.15, test: 0.15 }, 1);
    expect(s).toEqual(splitFiles(labels, { val: 0.15, test: 0.15 }, 1));
    expect(splitFiles(labels, { val: 0.15, test: 0.15 }, 2).assignment).not.toEqual(s.assignment);
    for (const cls of ['a', 'b']) {
      const got = labels.map((l, i) => (l === cls ? s.assignment[i] : null)).filter(Boolean);
      expect(new Set(got)).toEqual(new Set(['train', 'val', 'test']));
    }
    expect(s.assignment[13]).toBe('train'); // the only 'c' file
    expect([s.assignment[14], s.assignment[15]].sort()).toEqual(['test', 'train']);
    expect(s.warnings).toHaveLength(2);
    expect(s.warnings[0]).toMatch(/class 'c' has 1 file: .* val and test get no 'c' windows/);
    expect(s.warnings[1]).toMatch(/class 'd' has 2 files: .* val get no 'd'/);
  });

  it('cuts segments in time order with the requested fractions', () => {
    expect(segmentBounds(1000, { val: 0.15, test: 0.15 })).toEqual({ train: [0, 700], val: [700, 850], test: [850, 1000] });
    expect(() => segmentBounds(10, { val: 0.5, test: 0.5 })).toThrow(/sum < 1/);
  });
});

describe('no window crosses a split (synthetic)', () => {
  for (const by of ['segment', 'file'] as const) {
    it(`split.by ${by}`, async () => {
      const spec = dataSchema.parse({ window_length: 512, stride: 256, split: { by }, synthetic: { files_per_class: 3 } });
      const p = await prepareWindows(await openDataSource(spec, { cwd: '.', seed: 5 }), spec, 5);
      expect(p.train.n).toBeGreaterThan(0);
      expect(p.val.n).toBeGreaterThan(0);
      expect(p.test.n).toBeGreaterThan(0);
      expectNoOverlap(p);
      if (by === 'file') expectOneSplitPerFile(p);
      else {
        // Each window inside its stretch: stride 256 < length 512, so this is the only guard.
        for (const s of SPLITS) {
          for (let i = 0; i < p[s].n; i++) {
            const [a, b] = segmentBounds(p.files[p[s].file[i]].samples, { val: 0.15, test: 0.15 })[s];
            expect(p[s].start[i] >= a && p[s].start[i] + 512 <= b).toBe(true);
          }
        }
      }
    });
  }
});

describe.skipIf(!hasCwru)('no window crosses a split (real CWRU manifest)', () => {
  const base = (by: 'file' | 'segment'): DataSpec =>
    dataSchema.parse({ source: 'files', path: CWRU_DIR, stride: 256, max_windows_per_file: 80, split: { by } });
  let bySegment: PreparedData;
  let byFile: PreparedData;
  beforeAll(async () => {
    bySegment = await prepareWindows(await openDataSource(base('segment'), { cwd: '.', seed: 3 }), base('segment'), 3);
    byFile = await prepareWindows(await openDataSource(base('file'), { cwd: '.', seed: 3 }), base('file'), 3);
  });

  it('by segment: every file in every split, no overlap', () => {
    expectNoOverlap(bySegment);
    for (const s of SPLITS) expect(new Set(bySegment[s].file).size).toBe(19);
  });

  it('by file: whole recordings per split, the lone normal file in train (with a warning)', () => {
    expectNoOverlap(byFile);
    expectOneSplitPerFile(byFile);
    const normal = byFile.files.find((f) => f.label === 'normal')!;
    expect(normal.split).toBe('train');
    expect(byFile.warnings.join('\n')).toMatch(/class 'normal' has 1 file/);
    for (const s of ['val', 'test'] as const) expect(new Set(Array.from(byFile[s].label)).size).toBe(3);
  });
});

describe('file statistics under a segment split', () => {
  it('come from the training stretch only', async () => {
    // Train stretch ~N(0,1)-like; val/test stretches shifted by +10. Leaked statistics would pull
    // the test windows' mean well below 10 σ.
    const dir = tempDir('leak');
    const n = 10000;
    const rows = ['x'];
    for (let i = 0; i < n; i++) rows.push(String(Math.sin(i * 0.37) * Math.SQRT2 + (i >= 7000 ? 10 : 0)));
    writeFileSync(path.join(dir, 'sig.csv'), rows.join('\n'));
    const spec = dataSchema.parse({ source: 'files', path: 'sig.csv', window_length: 100, stride: 100 });
    const p = await prepareWindows(await openDataSource(spec, { cwd: dir, seed: 1 }), spec, 1);
    const mean = (x: Float32Array): number => x.reduce((a, b) => a + b, 0) / x.length;
    expect(Math.abs(mean(p.train.x))).toBeLessThan(0.05);
    expect(mean(p.test.x)).toBeGreaterThan(9.5);
  });
});
