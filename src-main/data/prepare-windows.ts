/**
 * prepareWindows: records → normalised, validated train / val / test windows.
 * Per recording, in order: read once → correct its rate (data.fs_overrides) and resample it
 * to data.resample_hz when set (auto: mixed rates go to the lowest) → split (by file or by segment) → window starts per
 * split (capped by max_windows_per_file, evenly spaced) → copy windows → normalise →
 * validate (drop and count) → append. Only one recording is held in memory at a time.
 *
 * Normalisation scope 'file' computes statistics per file and channel on the training
 * stretch only when splitting by segment (val/test samples never inform them), and on the
 * whole recording when splitting by file (the file lies in a single split).
 */
import { distance } from 'fastest-levenshtein';
import type { DataSpec } from '../config/schema.js';
import { validateWindows } from './batch-validation.js';
import { DataError, listNames } from './errors.js';
import { channelStats, normalizePerWindow, normalizeWithStats } from './normalization.js';
import { commonRate, rateWarnings } from './rate-warnings.js';
import { resampleTo } from './resample.js';
import { segmentBounds, splitFiles, type SegmentBounds } from './splits.js';
import type { DataSource, PreparedData, PreparedFile, Signal, SignalRecord, SkipReason, SplitName, WindowSet } from './types.js';
import { evenlySpaced, extractWindows, windowStarts } from './windowing.js';

const SPLITS: SplitName[] = ['train', 'val', 'test'];

interface Chunk {
  x: Float32Array;
  n: number;
  file: number;
  starts: number[];
}

export async function prepareWindows(source: DataSource, spec: DataSpec, seed: number): Promise<PreparedData> {
  const records = source.records;
  if (records.length === 0) throw new DataError(`${source.description}: no recordings to window`, { file: source.manifestPath ?? undefined });
  const length = spec.window_length;
  const fractions = { val: spec.split.val_fraction, test: spec.split.test_fraction };
  if (fractions.val + fractions.test >= 1) {
    throw new DataError(`data.split: val_fraction + test_fraction must be < 1 (got ${fractions.val} + ${fractions.test})`, { key: 'data.split' });
  }
  const sorted = (xs: string[]): string[] => [...new Set(xs)].sort();
  const classNames = sorted(records.map((r) => r.label));
  const domainNames = sorted(records.map((r) => r.domain));
  const datasetNames = sorted(records.map((r) => r.dataset));
  const warnings = [...source.warnings];
  const byFile = spec.split.by === 'file' ? splitFiles(records.map((r) => r.label), fractions, seed) : null;
  if (byFile) warnings.push(...byFile.warnings);
  checkFsOverrides(spec.fs_overrides, records.map((r) => r.id));
  warnings.push(...rateWarnings(records, spec));
  const rate = commonRate(records, spec);
  if (rate.note) warnings.push(rate.note);

  const chunks: Record<SplitName, Chunk[]> = { train: [], val: [], test: [] };
  const skipReasons: Record<SkipReason, number> = { non_finite: 0, amplitude: 0, flat: 0 };
  const files: PreparedFile[] = [];
  let channels = -1;
  let firstChannelsFile = '';
  const fsOf: number[] = [];
  /** The longest val / test stretch of any recording (segment split), for the empty-split warning. */
  const longest = { val: 0, test: 0 };

  // Files are indexed by position in source.records (WindowSet.file, PreparedData.files).
  for (const [ri, r] of records.entries()) {
    const read = await source.readSignal(r);
    if (read.channels.length === 0) throw new DataError(`${r.path}: no signal channel was read`, { file: r.path });
    if (channels < 0) [channels, firstChannelsFile] = [read.channels.length, r.path];
    if (read.channels.length !== channels) {
      throw new DataError(
        `${r.path} gave ${read.channels.length} channel(s) (${read.channelNames.join(', ')}) but ${firstChannelsFile} gave ${channels}: ` +
          `every recording must have the same channels (set data.channels or data.signal_key)`,
        { file: r.path, key: 'data.channels' },
      );
    }
    const { sig, fsHz } = toCommonRate(read, r, spec, rate.hz);
    const samples = Math.min(...sig.channels.map((c) => c.length));
    fsOf.push(fsHz ?? 0);

    // Window starts per split; a segment split keeps each window inside its stretch.
    const bounds: SegmentBounds = byFile
      ? ({ train: [0, 0], val: [0, 0], test: [0, 0], [byFile.assignment[ri]]: [0, samples] } as SegmentBounds)
      : segmentBounds(samples, fractions);
    for (const k of ['val', 'test'] as const) longest[k] = Math.max(longest[k], bounds[k][1] - bounds[k][0]);
    const candidates = SPLITS.flatMap((s) => windowStarts(bounds[s][0], bounds[s][1], length, spec.stride).map((start) => ({ s, start })));
    const picked = evenlySpaced(candidates, spec.max_windows_per_file);
    if (candidates.length === 0) warnings.push(`${r.id}: ${samples} samples, too short for one ${length}-sample window in any split`);

    // File statistics: training stretch only under a segment split (no leakage).
    const statsRange = byFile ? [0, samples] : bounds.train[1] - bounds.train[0] >= 2 ? bounds.train : [0, samples];
    const stats = spec.normalization_scope === 'file' ? channelStats(sig.channels, statsRange[0], statsRange[1]) : null;

    const kept: Record<SplitName, number> = { train: 0, val: 0, test: 0 };
    for (const s of SPLITS) {
      const starts = picked.filter((p) => p.s === s).map((p) => p.start);
      if (starts.length === 0) continue;
      const x = extractWindows(sig.channels, starts, length);
      if (stats) normalizeWithStats(x, starts.length, length, channels, stats, spec.normalization);
      else normalizePerWindow(x, starts.length, length, channels, spec.normalization);
      const v = validateWindows(x, starts.length, length, channels, spec.amplitude_limit);
      for (const k of Object.keys(skipReasons) as SkipReason[]) skipReasons[k] += v.reasons[k];
      const chunk = compact(x, v.valid, starts, length * channels, ri);
      if (chunk.n > 0) chunks[s].push(chunk);
      kept[s] = chunk.n;
    }
    files.push({
      index: ri,
      id: r.id,
      path: r.path,
      label: r.label,
      domain: r.domain,
      dataset: r.dataset,
      fsHz,
      samples,
      split: byFile ? byFile.assignment[ri] : 'segment',
      windows: kept,
    });
  }

  // data.resample_hz auto decides from declared rates before any file is read; rates read from
  // the files (a rate_key, a rate variable) can still differ: say so rather than window them silently.
  const declared = new Set(records.map((r) => (Object.hasOwn(spec.fs_overrides, r.id) ? spec.fs_overrides[r.id] : r.fsHz)).filter((f) => f !== null));
  const read = [...new Set(fsOf.filter((f) => f > 0))].sort((a, b) => a - b);
  if (rate.hz === null && read.length > 1 && declared.size < 2) {
    warnings.push(
      `recordings have different sample rates read from their files (${read.join(', ')} Hz) and are windowed at their own rates ` +
        `(data.resample_hz ${spec.resample_hz === null ? 'null' : 'auto counts only rates declared in the manifest or data.fs_overrides'}); set data.resample_hz to one rate, e.g. ${read[0]}`,
    );
  }
  const ids = {
    label: records.map((r) => classNames.indexOf(r.label)),
    domain: records.map((r) => domainNames.indexOf(r.domain)),
    dataset: records.map((r) => datasetNames.indexOf(r.dataset)),
  };
  const build = (s: SplitName): WindowSet => assemble(chunks[s], length, channels, ids, fsOf);
  const prepared: PreparedData = {
    train: build('train'),
    val: build('val'),
    test: build('test'),
    classNames,
    domainNames,
    datasetNames,
    files,
    skippedWindows: skipReasons.non_finite + skipReasons.amplitude + skipReasons.flat,
    skipReasons,
    manifestHash: source.manifestHash,
    warnings,
  };
  if (prepared.train.n === 0) {
    const shortest = Math.min(...files.map((f) => f.samples));
    throw new DataError(
      `${source.description}: no training windows (window_length ${length}, stride ${spec.stride}, shortest recording ${shortest} samples, ` +
        `${prepared.skippedWindows} windows rejected: ${JSON.stringify(skipReasons)}); use a shorter data.window_length or check the signals`,
      { key: 'data.window_length', value: length },
    );
  }
  for (const s of ['val', 'test'] as const) {
    const fraction = s === 'val' ? fractions.val : fractions.test;
    if (prepared[s].n === 0 && fraction > 0) warnings.push(emptySplitWarning(s, fraction, s === 'val' ? fractions.test : fractions.val, longest[s], length, byFile !== null));
  }
  return prepared;
}

/** Why a split that should have windows has none, and what would give it some. */
function emptySplitWarning(split: 'val' | 'test', fraction: number, other: number, longest: number, length: number, byFile: boolean): string {
  const what = split === 'val' ? 'the validation split has no windows (no validation loss, no early stopping)' : 'the test split has no windows (`flowbench evaluate` has nothing held out)';
  const key = `data.split.${split}_fraction`;
  if (byFile) return `${what}: no recording was assigned to it or its windows were rejected; add recordings, raise ${key} (${fraction}), or use data.split.by: segment`;
  // The fraction whose stretch of the longest recording holds one window, when train keeps the larger part.
  const need = Math.ceil((length / Math.max(longest / fraction, 1)) * 100) / 100;
  const raise = need + other < 0.5 ? `raise ${key} to ${need}, ` : '';
  return (
    `${what}: its stretch of each recording (${key} ${fraction}) is at most ${longest} samples, shorter than one ${length}-sample window; ` +
    `use data.window_length ≤ ${Math.max(longest, 1)}, ${raise}or use data.split.by: file with more recordings`
  );
}

/** Every data.fs_overrides key must name a record (a typo would silently correct nothing). */
function checkFsOverrides(overrides: Record<string, number>, ids: string[]): void {
  const known = new Set(ids);
  for (const key of Object.keys(overrides)) {
    if (known.has(key)) continue;
    throw new DataError(
      `data.fs_overrides: '${key}' names no recording${nearestId(key, ids)}; keys are record ids as \`flowbench data inspect\` lists them: ${listNames(ids)}`,
      { key: 'data.fs_overrides', value: key },
    );
  }
}

/** " (did you mean …?)" for an unknown record id: the same file name in a folder, else the nearest id by edit distance. */
function nearestId(key: string, ids: string[]): string {
  const base = (s: string): string => s.slice(s.lastIndexOf('/') + 1).toLowerCase();
  const sameName = ids.filter((id) => base(id) === base(key));
  if (sameName.length === 1) return ` (did you mean '${sameName[0]}'?)`;
  let best: string | null = null;
  let bestD = Infinity;
  for (const id of ids) {
    const d = distance(key.toLowerCase(), id.toLowerCase());
    if (d < bestD) [best, bestD] = [id, d];
  }
  return best !== null && bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean '${best}'?)` : '';
}

/**
 * The recording's effective rate (data.fs_overrides, else the manifest's, else the file's) and,
 * when data.resample_hz is set and differs, every channel resampled to it.
 */
function toCommonRate(sig: Signal, r: SignalRecord, spec: DataSpec, target: number | null): { sig: Signal; fsHz: number | null } {
  const override = Object.hasOwn(spec.fs_overrides, r.id) ? spec.fs_overrides[r.id] : undefined;
  const fsHz = override ?? r.fsHz ?? sig.fsHz;
  if (target === null || fsHz === target) return { sig, fsHz };
  if (fsHz === null) {
    throw new DataError(
      `${r.path}: data.resample_hz is ${target} Hz but the sample rate of ${r.id} is unknown (neither the manifest nor the file gives one); ` +
        `add it to the manifest's fs_hz column or to data.fs_overrides`,
      { file: r.path, key: 'data.resample_hz', value: target },
    );
  }
  try {
    return { sig: { ...sig, fsHz: target, channels: sig.channels.map((c) => resampleTo(c, fsHz, target)) }, fsHz: target };
  } catch (err) {
    if (!(err instanceof DataError)) throw err;
    throw new DataError(`${r.path}: ${err.message}`, { file: r.path, key: 'data.resample_hz', value: target, cause: err });
  }
}

/** Keeps the valid windows of x [n, size] (size = length·channels). */
function compact(x: Float32Array, valid: Uint8Array, starts: number[], size: number, file: number): Chunk {
  const keep = starts.filter((_, i) => valid[i] === 1);
  if (keep.length === starts.length) return { x, n: starts.length, file, starts };
  const out = new Float32Array(keep.length * size);
  let k = 0;
  for (let i = 0; i < starts.length; i++) {
    if (valid[i] !== 1) continue;
    out.set(x.subarray(i * size, (i + 1) * size), k * size);
    k++;
  }
  return { x: out, n: keep.length, file, starts: keep };
}

function assemble(
  chunks: Chunk[],
  length: number,
  channels: number,
  ids: { label: number[]; domain: number[]; dataset: number[] },
  fsOf: number[],
): WindowSet {
  const c = Math.max(channels, 1);
  const n = chunks.reduce((a, ch) => a + ch.n, 0);
  const set: WindowSet = {
    x: new Float32Array(n * length * c),
    n,
    length,
    channels: c,
    label: new Int32Array(n),
    domain: new Int32Array(n),
    dataset: new Int32Array(n),
    file: new Int32Array(n),
    start: new Int32Array(n),
    fsHz: new Float32Array(n),
  };
  let i = 0;
  for (const ch of chunks) {
    set.x.set(ch.x, i * length * c);
    for (let k = 0; k < ch.n; k++, i++) {
      set.label[i] = ids.label[ch.file];
      set.domain[i] = ids.domain[ch.file];
      set.dataset[i] = ids.dataset[ch.file];
      set.file[i] = ch.file;
      set.start[i] = ch.starts[k];
      set.fsHz[i] = fsOf[ch.file];
    }
  }
  return set;
}
