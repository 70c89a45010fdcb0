/**
 * Sample-rate confounds, as warnings for training (prepareWindows) and `data inspect`, and the
 * common rate data.resample_hz: auto picks.
 */
import type { DataSpec } from '../config/schema.js';
import type { SignalRecord } from './types.js';

/**
 * Sample-rate confounds worth a warning: recordings at different rates windowed as they are
 * (a window then spans different durations and every frequency shifts), and a CWRU normal
 * baseline declared 12 kHz: CWRU recorded its normal baseline (files 97–100) at 48 kHz;
 * read at 48 kHz, Normal_0.mat shows the machine lines the 12 kHz fault files show
 * (147.8, 161.6, 360, 419, 449 Hz), read at 12 kHz it shows them at a quarter.
 */
export function rateWarnings(records: readonly SignalRecord[], spec: Pick<DataSpec, 'fs_overrides' | 'resample_hz' | 'window_length'>): string[] {
  const out: string[] = [];
  const rateOf = (r: SignalRecord): number | null => declaredRate(r, spec);
  for (const r of records) {
    if (r.dataset === 'CWRU' && r.label === 'normal' && rateOf(r) === 12000) {
      out.push(
        `${r.id} is declared 12000 Hz, but CWRU's normal baseline was recorded at 48 kHz: ` +
          `set data.fs_overrides {${r.id}: 48000} and data.resample_hz 12000, or normal-vs-fault results are confounded by the rate`,
      );
    }
  }
  if (spec.resample_hz === null) {
    const list = rateCounts(records, spec);
    if (list !== null) {
      out.push(`recordings have different sample rates (${list}) and data.resample_hz is null: a ${spec.window_length}-sample window spans a different duration in each; set data.resample_hz (auto or a rate)`);
    }
  }
  return out;
}

/** The rate a recording is said to have before reading it: data.fs_overrides, else the manifest's / catalogue's. */
function declaredRate(r: SignalRecord, spec: Pick<DataSpec, 'fs_overrides'>): number | null {
  return Object.hasOwn(spec.fs_overrides, r.id) ? spec.fs_overrides[r.id] : r.fsHz;
}

/** "12000 Hz: 18, 48000 Hz: 1" when the declared rates differ, else null. */
function rateCounts(records: readonly SignalRecord[], spec: Pick<DataSpec, 'fs_overrides'>): string | null {
  const byRate = new Map<number, number>();
  for (const r of records) {
    const hz = declaredRate(r, spec);
    if (hz !== null) byRate.set(hz, (byRate.get(hz) ?? 0) + 1);
  }
  if (byRate.size < 2) return null;
  return [...byRate.entries()].sort((a, b) => a[0] - b[0]).map(([hz, n]) => `${hz} Hz: ${n}`).join(', ');
}

/**
 * The rate every recording is resampled to: data.resample_hz when it is a number; with auto,
 * the lowest declared rate when the declared rates differ (no recording is upsampled, so no
 * band is invented), else none. `note` says what auto did, for the run's log.
 */
export function commonRate(
  records: readonly SignalRecord[],
  spec: Pick<DataSpec, 'fs_overrides' | 'resample_hz'>,
): { hz: number | null; note: string | null } {
  if (spec.resample_hz !== 'auto') return { hz: spec.resample_hz, note: null };
  const list = rateCounts(records, spec);
  if (list === null) return { hz: null, note: null };
  const hz = Math.min(...records.map((r) => declaredRate(r, spec)).filter((f): f is number => f !== null));
  return {
    hz,
    note: `recordings have different sample rates (${list}): every recording is resampled to ${hz} Hz, the lowest (data.resample_hz: auto; set a rate, or null to keep each file's own)`,
  };
}
