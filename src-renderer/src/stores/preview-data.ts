/**
 * The engine's `preview` event (real vs generated windows and their spectra) checked at
 * the renderer's boundary: events arrive as open records, so every curve is validated
 * and non-finite points (JSON null) dropped before a chart sees them.
 */
import type { RunEvent } from '../../../src-preload/contract.js';

export interface PreviewCurve {
  x: number[];
  y: number[];
}

export interface PreviewData {
  step: number;
  real: PreviewCurve[];
  generated: PreviewCurve[];
  realSpectra: PreviewCurve[];
  generatedSpectra: PreviewCurve[];
  timeUnit: string;
  freqUnit: string;
  sampleSteps: number;
  seconds: number;
}

function curves(v: unknown): PreviewCurve[] {
  if (!Array.isArray(v)) return [];
  const out: PreviewCurve[] = [];
  for (const c of v) {
    const x = (c as { x?: unknown })?.x;
    const y = (c as { y?: unknown })?.y;
    if (!Array.isArray(x) || !Array.isArray(y)) continue;
    const curve: PreviewCurve = { x: [], y: [] };
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      if (typeof x[i] === 'number' && typeof y[i] === 'number' && Number.isFinite(x[i]) && Number.isFinite(y[i])) {
        curve.x.push(x[i]);
        curve.y.push(y[i]);
      }
    }
    out.push(curve);
  }
  return out;
}

export function toPreview(e: RunEvent): PreviewData {
  const str = (v: unknown, d: string) => (typeof v === 'string' ? v : d);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    step: e.step,
    real: curves(e.real),
    generated: curves(e.generated),
    realSpectra: curves(e.real_spectra),
    generatedSpectra: curves(e.generated_spectra),
    timeUnit: str(e.time_unit, 'samples'),
    freqUnit: str(e.freq_unit, 'cycles/sample'),
    sampleSteps: num(e.sample_steps),
    seconds: num(e.seconds),
  };
}
