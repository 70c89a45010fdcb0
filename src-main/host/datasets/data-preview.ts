/**
 * The wizard's dataset preview, computed host-side: class / domain / dataset counts and
 * one window of the first recording with its amplitude spectrum and envelope spectrum
 * (|analytic signal| via the Hilbert transform, mean removed, then its spectrum — where
 * bearing defect frequencies show up).
 */
import path from 'node:path';
import { dataSchema, type RunSpec } from '../../config/schema.js';

type SyntheticSpec = RunSpec['data']['synthetic'];
import { bearingOfChannel, DataError, defectFrequencies, inspectPath, openDataSource } from '../../data/index.js';
import { fft, ifft } from '../../data/fft.js';
import type { ApiReply, ApiRequest } from '../../../src-preload/contract.js';
import { assertRecordsUnderDataRoots } from './data-roots.js';

type PreviewRequest = ApiRequest<'previewData'>;
type PreviewReply = ApiReply<'previewData'>;

const DEFAULT_WINDOW = 1024;

/** `dataRoots`: the folders this host may read (see data-roots.ts); the path and every recording must lie under one. */
export async function previewData(req: PreviewRequest, cwd: string, dataRoots: readonly string[], synthetic?: SyntheticSpec): Promise<PreviewReply> {
  const windowLength = req.windowLength ?? DEFAULT_WINDOW;
  if (req.source === 'files' && !req.path) {
    throw new DataError('previewData: source "files" needs a path (a folder with LABELS.csv, a manifest CSV or a signal file)', {});
  }
  const dataPath = req.source === 'files' ? path.resolve(cwd, req.path ?? '.') : null;
  const layout = req.layout ?? 'auto';
  if (dataPath) assertRecordsUnderDataRoots(dataPath, [], dataRoots);
  const spec = dataSchema.parse({ source: req.source, path: dataPath, signal_key: req.signalKey ?? null, window_length: windowLength, layout, ...(synthetic ? { synthetic } : {}) });
  const source = await openDataSource(spec, { cwd, seed: 42 });
  if (dataPath) assertRecordsUnderDataRoots(dataPath, source.records, dataRoots);
  if (source.records.length === 0) throw new DataError(`previewData: ${dataPath ?? 'the demo dataset'} holds no recordings`, {});

  let counts = countRecords(source.records);
  let warnings: string[] = [];
  if (dataPath) {
    const report = await inspectPath(dataPath, { signalKey: req.signalKey ?? null, layout });
    if (report.kind === 'dataset') {
      counts = { classes: report.classes, domains: report.domains, datasets: report.datasets, files: report.files };
      warnings = report.warnings;
    }
  }

  const record = req.record === undefined ? source.records[0] : source.records.find((r) => r.id === req.record);
  if (!record) {
    const ids = source.records.slice(0, 5).map((r) => r.id);
    throw new DataError(`previewData: no recording "${req.record}" in ${dataPath ?? 'the demo dataset'}; it holds ${source.records.length} (e.g. ${ids.join(', ')})`, {});
  }
  const signal = await source.readSignal(record);
  const fsHz = record.fsHz ?? signal.fsHz ?? 1;
  const channel = signal.channels[0];
  const n = Math.min(windowLength, channel.length);
  const x = Float64Array.from(channel.subarray(0, n));
  const t = Array.from({ length: n }, (_, i) => i / fsHz);

  // Physical units where the data says them (a manifest `unit` column); none of the readers' formats carries one.
  const unit = (record.metadata.unit ?? record.metadata.units ?? '').trim() || 'a.u.';
  const sampleRates = [...new Set(source.records.map((r) => r.fsHz).filter((f): f is number => f !== null))];
  if (sampleRates.length === 0) sampleRates.push(fsHz);
  return {
    description: source.description,
    ...counts,
    sampleRates: sampleRates.sort((a, b) => a - b),
    warnings,
    window: { x: t, y: Array.from(x), xUnit: 's', yUnit: signal.channelNames[0] ? `${signal.channelNames[0]} (${unit})` : unit },
    spectrum: { ...amplitudeSpectrum(x, fsHz), xUnit: 'Hz', yUnit: unit },
    envelope: { ...amplitudeSpectrum(envelope(x), fsHz), xUnit: 'Hz', yUnit: unit },
    windowOf: { id: record.id, label: record.label, domain: record.domain, fsHz },
    recordings: source.records.map((r) => ({ id: r.id, label: r.label, domain: r.domain, fsHz: r.fsHz, rpm: r.rpm })),
    ...defectMarkers(signal.channelNames[0] ?? '', record.rpm ?? signal.rpm),
  };
}

/** BPFO/BPFI/BSF (and 2·BSF, where a ball defect strikes) of the channel's bearing at the recording's rpm. */
function defectMarkers(channel: string, rpm: number | null): Pick<PreviewReply, 'defects' | 'defectNote'> {
  const bearing = bearingOfChannel(channel);
  if (!bearing) return { defects: [], defectNote: `no defect-frequency markers: the bearing of channel "${channel || '?'}" is not known (CWRU _DE_/_FE_ channels and the demo are)` };
  if (!(rpm !== null && rpm > 0)) return { defects: [], defectNote: `no defect-frequency markers: the recording has no shaft speed (rpm)` };
  const f = defectFrequencies(bearing, rpm);
  return {
    defects: [{ name: 'BPFO', hz: f.bpfo }, { name: 'BPFI', hz: f.bpfi }, { name: 'BSF', hz: f.bsf }, { name: '2×BSF', hz: 2 * f.bsf }],
    defectNote: `${bearing.name} at ${rpm.toFixed(0)} rpm (shaft ${f.shaftHz.toFixed(2)} Hz)`,
  };
}

function countRecords(records: readonly { label: string; domain: string; dataset: string }[]) {
  const count = (xs: string[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const v of xs.sort()) out[v] = (out[v] ?? 0) + 1;
    return out;
  };
  return {
    classes: count(records.map((r) => r.label)),
    domains: count(records.map((r) => r.domain)),
    datasets: count(records.map((r) => r.dataset)),
    files: records.length,
  };
}

/** Largest power of two ≤ n. */
function pow2Floor(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(2, n)));
}

/** Single-sided amplitude spectrum of a Hann-windowed, mean-removed x: f[k] = k·fs/n, |X[k]|·2/Σw. */
export function amplitudeSpectrum(x: Float64Array, fsHz: number): { x: number[]; y: number[] } {
  const n = pow2Floor(x.length);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i] / n;
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    wsum += w;
    re[i] = (x[i] - mean) * w;
  }
  const X = fft(re, im);
  const f: number[] = [];
  const a: number[] = [];
  for (let k = 0; k <= n / 2; k++) {
    f.push((k * fsHz) / n);
    a.push((Math.hypot(X.re[k], X.im[k]) * (k === 0 || k === n / 2 ? 1 : 2)) / wsum);
  }
  return { x: f, y: a };
}

/** |x + i·H{x}|: the analytic signal's magnitude, via zeroing negative frequencies. x: [n]. */
export function envelope(x: Float64Array): Float64Array {
  const n = pow2Floor(x.length);
  const { re, im } = fft(x.subarray(0, n));
  for (let k = 1; k < n / 2; k++) {
    re[k] *= 2;
    im[k] *= 2;
  }
  for (let k = n / 2 + 1; k < n; k++) {
    re[k] = 0;
    im[k] = 0;
  }
  const analytic = ifft(re, im);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.hypot(analytic.re[i], analytic.im[i]);
  return out;
}
