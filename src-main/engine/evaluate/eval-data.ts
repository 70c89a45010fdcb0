/**
 * The windows an evaluation sees: the run's own data (or --data), re-windowed without
 * overlap (stride = window length) under a segment split whose training stretch is the
 * pretraining's training stretch and whose test stretch is everything pretraining never
 * trained on (its val + test), so probe train and test windows never share a sample.
 * Labels: `label4` is the manifest label (normal / IR / B / OR); `label10` adds the
 * severity (CWRU: normal + {IR, B, OR} × {007, 014, 021}).
 */
import type { DataSpec, RunSpec } from '../../config/schema.js';
import { openDataSource, prepareWindows, type DataSource, type DatasetSelection, type PreparedData, type WindowSet } from '../../data/index.js';
import { segmentGroups } from '../metrics/index.js';

export interface EvalSplit {
  set: WindowSet;
  /** [n] manifest label index (into label4Names). */
  label4: Int32Array;
  /** [n] label + severity index (into label10Names). */
  label10: Int32Array;
  /** [n] contiguous-segment group id (file × block of `segmentSamples`). */
  group: Int32Array;
}

export interface EvalData {
  prepared: PreparedData;
  source: DataSource;
  train: EvalSplit;
  test: EvalSplit;
  label4Names: string[];
  label10Names: string[];
  /** [files] shaft speed (rev/min) per recording, 0 when unknown. */
  rpm: Float64Array;
  /** One line describing the split (goes into every MetricResult). */
  split: string;
  /** What the evaluation adapted to this data (unlabelled windows left out, channels, rates), for the report. */
  adapted: string[];
  segmentSamples: number;
}

/** "inner_race" + 0.007 → "inner_race_007"; no severity → the label alone. */
export function severityLabel(label: string, severity: number | null): string {
  if (severity === null || !Number.isFinite(severity) || severity <= 0) return label;
  return `${label}_${String(Math.round(severity * 1000)).padStart(3, '0')}`;
}

/**
 * The training run's dataset selection, for evaluating on its own data: a run over several
 * sources (data.path a list) used task.datasets / task.max_datasets; --data evaluates elsewhere.
 */
export function runSelection(config: RunSpec, dataPathOverride: string | null | undefined): DatasetSelection | undefined {
  return !dataPathOverride && Array.isArray(config.data.path) ? config.task : undefined;
}

/** The evaluation's data spec: the run's, re-windowed without overlap under a segment split. */
export function evalDataSpec(data: DataSpec, maxWindowsPerFile: number | null): DataSpec {
  const heldOut = data.split.val_fraction + data.split.test_fraction;
  return {
    ...data,
    stride: data.window_length,
    max_windows_per_file: maxWindowsPerFile,
    split: { by: 'segment', val_fraction: 0, test_fraction: heldOut > 0 && heldOut < 1 ? heldOut : 0.3 },
  };
}

export async function loadEvalData(
  data: DataSpec, opts: { cwd: string; seed: number; maxWindowsPerFile: number | null; readRpm?: boolean; select?: DatasetSelection },
): Promise<EvalData> {
  const spec = evalDataSpec(data, opts.maxWindowsPerFile);
  const source = await openDataSource(spec, { cwd: opts.cwd, seed: opts.seed, select: opts.select });
  const prepared = dropUnlabelled(await prepareWindows(source, spec, opts.seed));
  const records = source.records;
  const label4Names = prepared.classNames;
  const label10Names = [...new Set(records.map((r) => severityLabel(r.label, r.severity)))].sort();
  const file10 = records.map((r) => label10Names.indexOf(severityLabel(r.label, r.severity)));
  const segmentSamples = 4 * spec.window_length;
  const split = (set: WindowSet): EvalSplit => ({
    set,
    label4: set.label,
    label10: Int32Array.from(set.file, (f) => file10[f]),
    group: segmentGroups(set.file, set.start, segmentSamples),
  });
  const rpm = new Float64Array(records.length);
  for (const r of records) {
    if (r.rpm) rpm[r.index] = r.rpm;
    else if (opts.readRpm) rpm[r.index] = (await source.readSignal(r)).rpm ?? 0;
  }
  const pct = (f: number) => `${Math.round(f * 100)} %`;
  const a = 1 - spec.split.test_fraction;
  const adapted = [...prepared.warnings.filter((w) => w.startsWith(UNLABELLED))];
  const { channels } = prepared.test;
  const rates = [...new Set(prepared.files.map((f) => f.fsHz))];
  if (channels > 1 || rates.some((r) => r !== 12000)) {
    adapted.push(`${channels} channel${channels === 1 ? '' : 's'} at ${rates.join(', ')} Hz: the encoder reads every channel; signal-level generation metrics use channel 0, envelope lines each file's rpm`);
  }
  return {
    prepared, source, train: split(prepared.train), test: split(prepared.test), label4Names, label10Names, rpm, adapted,
    split: `segment (per recording: train [0, ${pct(a)}), test [${pct(a)}, 100 %); windows of ${spec.window_length} without overlap; groups = blocks of ${segmentSamples} samples)`,
    segmentSamples,
  };
}

const UNLABELLED = 'left out of the evaluation:';

/**
 * Windows of recordings labelled 'unknown' (IMS as published, a single file) carry no class to
 * score: they leave every split (class, domain and dataset indices stay the run's), said in warnings.
 */
function dropUnlabelled(p: PreparedData): PreparedData {
  const unknown = p.classNames.indexOf('unknown');
  if (unknown < 0) return p;
  const keep = (set: WindowSet): WindowSet => subsetWindows(set, rowsWhere(set.n, (i) => set.label[i] !== unknown));
  const [train, test] = [keep(p.train), keep(p.test)];
  const dropped = p.train.n - train.n + p.test.n - test.n;
  const files = p.files.filter((f) => f.label === 'unknown').length;
  if (train.n === 0 || test.n === 0) {
    throw new Error(`evaluate: every recording is unlabelled ('unknown'); the protocols need classes: evaluate on labelled data (--data a folder with a manifest)`);
  }
  return { ...p, train, test, val: keep(p.val), warnings: [...p.warnings, `${UNLABELLED} ${dropped} windows of ${files} unlabelled recordings (label 'unknown')`] };
}

/** The rows of a window set, in order. */
function subsetWindows(set: WindowSet, rows: number[]): WindowSet {
  const size = set.length * set.channels;
  const x = new Float32Array(rows.length * size);
  rows.forEach((r, k) => x.set(set.x.subarray(r * size, (r + 1) * size), k * size));
  const pick = <T extends Int32Array | Float32Array>(a: T): T => a.constructor === Int32Array ? (Int32Array.from(rows, (r) => a[r]) as T) : (Float32Array.from(rows, (r) => a[r]) as T);
  return {
    x, n: rows.length, length: set.length, channels: set.channels,
    label: pick(set.label), domain: pick(set.domain), dataset: pick(set.dataset), file: pick(set.file), start: pick(set.start), fsHz: pick(set.fsHz),
  };
}

/** Rows of a split where pred(i) holds. */
export function rowsWhere(n: number, pred: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (pred(i)) out.push(i);
  return out;
}

/** Channel 0 of windows `rows` of a set as a Float64 [rows, length] matrix (for signal metrics). */
export function channel0(set: WindowSet, rows: ArrayLike<number>): { data: Float64Array; n: number; d: number } {
  const L = set.length, C = set.channels;
  const out = new Float64Array(rows.length * L);
  for (let k = 0; k < rows.length; k++) {
    const base = rows[k] * L * C;
    for (let t = 0; t < L; t++) out[k * L + t] = set.x[base + t * C];
  }
  return { data: out, n: rows.length, d: L };
}
