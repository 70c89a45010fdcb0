/** Generated windows of the Sample button as small multiples (one panel per window, not overlaid). */
import type { FigureSpec } from './figure-spec.js';

export function samplesFigure(runId: string, windows: number[][]): FigureSpec {
  return {
    id: 'samples', title: `Generated windows of run ${runId}`, xLabel: '', yLabel: '', runIds: [runId],
    panels: windows.map((_, i) => ({ title: `window ${i + 1}`, xLabel: 'sample (–)', yLabel: 'amplitude (normalised)' })),
    traces: windows.map((w, i) => ({ name: `generated ${i + 1}`, x: w.map((_, k) => k), y: w, panel: i, color: '#0072B2', showLegend: false })),
  };
}
