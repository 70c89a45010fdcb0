/**
 * `flowbench data inspect PATH`: what a signal file or a dataset holds, as plain JSON.
 *   file:    the variables/columns/datasets found, the chosen signals with per-channel
 *            statistics (float64, population std as NumPy), sample rate, length, rpm;
 *   dataset: (folder, manifest or PHM-Vibench table) files, classes / domains / datasets with
 *            counts, sample rates, total duration and a per-file summary with per-channel
 *            statistics. A folder's layout is told by its files (a manifest, or names that
 *            follow a dataset's convention), never by the folder's name.
 */
import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { dataSchema, type DataSpec } from '../config/schema.js';
import { openDataSource } from './data-source.js';
import { commonRate, rateWarnings } from './rate-warnings.js';
import { DataError } from './errors.js';
import { finiteStats } from './finite-stats.js';
import { csvHeader } from './csv-table.js';
import { isManifestHeader, readHead } from './manifest.js';
import { isPhmHeader } from './phm-vibench.js';
import { readCsvFile } from './readers/csv-reader.js';
import { imsChannelNames, isImsSnapshot } from './readers/ims-snapshot.js';
import { openHdf5 } from './readers/hdf5-reader.js';
import { readMatFile } from './readers/mat-reader.js';
import { readSignalFile64, type Signal64 } from './readers/signal-file.js';

export interface ChannelSummary {
  name: string;
  samples: number;
  mean: number;
  std: number;
  min: number;
  max: number;
  /** NaN/Inf samples (excluded from the statistics). */
  nonFinite: number;
}

export interface VariableInfo {
  name: string;
  /** 'double', 'float32', 'column', … as the format names it. */
  type: string;
  shape: number[];
}

export interface FileInspectReport {
  kind: 'file';
  path: string;
  format: 'mat' | 'h5' | 'csv';
  bytes: number;
  variables: VariableInfo[];
  channels: ChannelSummary[];
  fsHz: number | null;
  rpm: number | null;
  samples: number;
  /** samples / fsHz, when the rate is known. */
  durationS: number | null;
}

export interface DatasetFileSummary {
  id: string;
  label: string;
  domain: string;
  dataset: string;
  fsHz: number | null;
  samples: number;
  channels: number;
  /** Per-channel statistics of the signal training reads from this file. */
  channelStats: ChannelSummary[];
  durationS: number | null;
  rpm: number | null;
}

export interface DatasetInspectReport {
  kind: 'dataset';
  path: string;
  source: string;
  description: string;
  manifestPath: string | null;
  files: number;
  classes: Record<string, number>;
  domains: Record<string, number>;
  datasets: Record<string, number>;
  sampleRates: number[];
  totalDurationS: number;
  perFile: DatasetFileSummary[];
  warnings: string[];
}

export type InspectReport = FileInspectReport | DatasetInspectReport;

export interface InspectOptions {
  signalKey?: string | null;
  /** data.layout for a dataset folder (default auto: detected). */
  layout?: DataSpec['layout'];
}

export async function inspectPath(path: string, opts: InspectOptions = {}): Promise<InspectReport> {
  const abs = resolve(path);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new DataError(`inspect: ${abs} does not exist; give a signal file (.mat, .h5, .csv), a manifest CSV or a dataset folder`, { file: abs });
  }
  if (!isDir && /\.csv$/i.test(abs)) {
    const header = csvHeader(await readHead(abs));
    if (isManifestHeader(header) || isPhmHeader(header)) return inspectDataset(abs, opts);
  }
  return isDir ? inspectDataset(abs, opts) : inspectFile(abs, opts);
}

async function inspectFile(path: string, opts: { signalKey?: string | null }): Promise<FileInspectReport> {
  const ext = extname(path).toLowerCase();
  const format = ext === '.mat' ? 'mat' : ext === '.h5' || ext === '.hdf5' ? 'h5' : ext === '.csv' || ext === '.txt' || isImsSnapshot(path) ? 'csv' : null;
  if (format === null) throw new DataError(`inspect: ${path} has extension '${ext}'; valid: .mat, .h5, .hdf5, .csv, .txt (or an IMS snapshot named yyyy.mm.dd.hh.mm.ss)`, { file: path, value: ext });
  const variables = await listVariables(path, format);
  let signals: Signal64[];
  if (opts.signalKey || format === 'csv') {
    signals = [await readSignalFile64(path, { signalKey: opts.signalKey ?? null })];
  } else {
    // Without a key every signal-like variable is shown (the reader refuses to guess one).
    const candidates = variables.filter((v) => v.shape.filter((d) => d > 1).length >= 1 && v.shape.reduce((a, b) => a * b, 1) > 1);
    signals = [];
    for (const v of candidates) {
      try {
        signals.push(await readSignalFile64(path, { signalKey: v.name }));
      } catch (err) {
        if (!(err instanceof DataError)) throw err;
      }
    }
    if (signals.length === 0) signals = [await readSignalFile64(path, {})];
  }
  const channels = signals.flatMap((s) => s.channels.map((c, i) => summarise(s.channelNames[i], c)));
  const fsHz = signals.find((s) => s.fsHz !== null)?.fsHz ?? null;
  const samples = channels.length ? Math.max(...channels.map((c) => c.samples)) : 0;
  return {
    kind: 'file',
    path,
    format,
    bytes: statSync(path).size,
    variables,
    channels,
    fsHz,
    rpm: signals.find((s) => s.rpm !== null)?.rpm ?? null,
    samples,
    durationS: fsHz ? samples / fsHz : null,
  };
}

async function listVariables(path: string, format: 'mat' | 'h5' | 'csv'): Promise<VariableInfo[]> {
  if (format === 'mat') return (await readMatFile(path)).map((v) => ({ name: v.name, type: v.className, shape: v.dims }));
  if (format === 'h5') {
    const f = await openHdf5(path);
    try {
      return f.list().map((d) => ({ name: d.path, type: d.dtype, shape: d.shape }));
    } finally {
      f.close();
    }
  }
  const t = readCsvFile(path);
  const names = (isImsSnapshot(path) ? imsChannelNames(t.names.length) : null) ?? t.names;
  return names.map((n, j) => ({ name: n, type: 'column', shape: [t.columns[j].length] }));
}

/** Float64 statistics of one channel over its finite samples. */
export function summarise(name: string, x: ArrayLike<number>): ChannelSummary {
  const f = finiteStats(x);
  return { name, samples: x.length, mean: f.mean, std: f.std, min: f.min, max: f.max, nonFinite: x.length - f.count };
}

async function inspectDataset(path: string, opts: InspectOptions): Promise<DatasetInspectReport> {
  const spec = dataSchema.parse({ source: 'files', path, signal_key: opts.signalKey ?? null, layout: opts.layout ?? 'auto' });
  const source = await openDataSource(spec, { cwd: process.cwd(), seed: 0 });
  const count = (xs: string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const x of [...xs].sort()) out[x] = (out[x] ?? 0) + 1;
    return out;
  };
  const perFile: DatasetFileSummary[] = [];
  for (const r of source.records) {
    const s = await source.readSignal(r);
    const samples = Math.min(...s.channels.map((c) => c.length));
    const fsHz = r.fsHz ?? s.fsHz;
    perFile.push({
      id: r.id,
      label: r.label,
      domain: r.domain,
      dataset: r.dataset,
      fsHz,
      samples,
      channels: s.channels.length,
      channelStats: s.channels.map((c, i) => summarise(s.channelNames[i] ?? `ch${i}`, c)),
      durationS: fsHz ? samples / fsHz : null,
      rpm: s.rpm ?? r.rpm,
    });
  }
  return {
    kind: 'dataset',
    path,
    source: source.kind,
    description: source.description,
    manifestPath: source.manifestPath,
    files: source.records.length,
    classes: count(source.records.map((r) => r.label)),
    domains: count(source.records.map((r) => r.domain)),
    datasets: count(source.records.map((r) => r.dataset)),
    sampleRates: [...new Set(perFile.map((f) => f.fsHz).filter((f): f is number => f !== null))].sort((a, b) => a - b),
    totalDurationS: perFile.reduce((a, f) => a + (f.durationS ?? 0), 0),
    perFile,
    warnings: [...source.warnings, ...rateWarnings(source.records, spec), ...[commonRate(source.records, spec).note ?? []].flat()],
  };
}
