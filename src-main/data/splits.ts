/**
 * Train / validation / test splits that cannot leak.
 *
 * by file:    whole recordings go to one split, stratified by label (each class's files are
 *             shuffled with the seed and dealt out by the fractions). A class with fewer files
 *             than the splits it should reach keeps at least one file in train: 1 file → train
 *             only; 2 files → train + test (val gets none of that class). Each such case is
 *             reported as a warning, because val/test then lack that class.
 * by segment: each recording is cut into three contiguous stretches [0, a) train, [a, b) val,
 *             [b, L) test (time order: evaluation is on later signal than training). Windows are
 *             taken inside a stretch only, so no training window overlaps a val/test window.
 */
import { createRng, shuffle } from './rng.js';
import type { SplitName } from './types.js';

export interface SplitFractions {
  val: number;
  test: number;
}

export interface FileSplit {
  /** [files] split of each file, in input order. */
  assignment: SplitName[];
  warnings: string[];
}

/** Assigns whole files to splits, stratified by label. labels: [files]. */
export function splitFiles(labels: readonly string[], fractions: SplitFractions, seed: number): FileSplit {
  checkFractions(fractions);
  const rng = createRng(seed);
  const assignment: SplitName[] = labels.map(() => 'train');
  const warnings: string[] = [];
  const byLabel = new Map<string, number[]>();
  labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  for (const label of [...byLabel.keys()].sort()) {
    const files = shuffle(byLabel.get(label)!.slice(), rng);
    const n = files.length;
    let nTest = fractions.test > 0 ? Math.max(1, Math.round(n * fractions.test)) : 0;
    let nVal = fractions.val > 0 ? Math.max(1, Math.round(n * fractions.val)) : 0;
    // Train keeps at least one file; val gives way before test (test is what gets reported).
    while (n - nTest - nVal < 1 && nVal > 0) nVal--;
    while (n - nTest - nVal < 1 && nTest > 0) nTest--;
    const wantVal = fractions.val > 0 && nVal === 0;
    const wantTest = fractions.test > 0 && nTest === 0;
    if (wantVal || wantTest) {
      const missing = [wantVal ? 'val' : '', wantTest ? 'test' : ''].filter(Boolean).join(' and ');
      warnings.push(
        `class '${label}' has ${n} file${n === 1 ? '' : 's'}: too few for a file-level split, so ${missing} ` +
          `get no '${label}' windows (use split.by: segment to evaluate every class)`,
      );
    }
    files.forEach((f, k) => {
      assignment[f] = k < nTest ? 'test' : k < nTest + nVal ? 'val' : 'train';
    });
  }
  return { assignment, warnings };
}

/** Sample ranges [start, end) of the three stretches of a recording of `samples` samples. */
export type SegmentBounds = Record<SplitName, [number, number]>;

export function segmentBounds(samples: number, fractions: SplitFractions): SegmentBounds {
  checkFractions(fractions);
  const a = Math.round(samples * (1 - fractions.val - fractions.test));
  const b = Math.round(samples * (1 - fractions.test));
  return { train: [0, a], val: [a, b], test: [b, samples] };
}

function checkFractions(f: SplitFractions): void {
  if (!(f.val >= 0) || !(f.test >= 0) || f.val + f.test >= 1) {
    throw new RangeError(
      `split fractions: need val_fraction ≥ 0, test_fraction ≥ 0 and their sum < 1 (got val ${f.val}, test ${f.test})`,
    );
  }
}
