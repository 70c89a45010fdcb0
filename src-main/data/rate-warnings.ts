/**
 * Sample-rate confounds, as warnings for training (prepareWindows) and `data inspect`.
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
  const rateOf = (r: SignalRecord): number | null => (Object.hasOwn(spec.fs_overrides, r.id) ? spec.fs_overrides[r.id] : r.fsHz);
  for (const r of records) {
    if (r.dataset === 'CWRU' && r.label === 'normal' && rateOf(r) === 12000) {
      out.push(
        `${r.id} is declared 12000 Hz, but CWRU's normal baseline was recorded at 48 kHz: ` +
          `set data.fs_overrides {${r.id}: 48000} and data.resample_hz 12000, or normal-vs-fault results are confounded by the rate`,
      );
    }
  }
  if (spec.resample_hz === null) {
    const byRate = new Map<number, number>();
    for (const r of records) {
      const hz = rateOf(r);
      if (hz !== null) byRate.set(hz, (byRate.get(hz) ?? 0) + 1);
    }
    if (byRate.size > 1) {
      const list = [...byRate.entries()].sort((a, b) => a[0] - b[0]).map(([hz, n]) => `${hz} Hz: ${n}`).join(', ');
      out.push(`recordings have different sample rates (${list}) and data.resample_hz is not set: a ${spec.window_length}-sample window spans a different duration in each; set data.resample_hz`);
    }
  }
  return out;
}
