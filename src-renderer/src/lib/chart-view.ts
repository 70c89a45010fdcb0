/**
 * How the user wants curves drawn, applied to a FigureSpec's traces (pure): exponential
 * smoothing, a log or linear y axis, and series that duplicate another hidden.
 */
import type { FigureSpec, FigureTrace } from './figure-spec.js';

export interface ChartView {
  /** EMA weight 0 (raw) … 0.99; debiased at the start like TensorBoard's. */
  smoothing: number;
  /** 'auto' keeps each figure's own choice. */
  yScale: 'auto' | 'log' | 'linear';
  xAxis: 'step' | 'time';
}

export const DEFAULT_VIEW: ChartView = { smoothing: 0, yScale: 'auto', xAxis: 'step' };

/** Debiased exponential moving average; nulls (non-finite values) are kept as gaps. */
export function smooth(y: readonly (number | null)[], weight: number): (number | null)[] {
  if (weight <= 0) return [...y];
  let acc = 0;
  let n = 0;
  return y.map((v) => {
    if (v === null) return null;
    acc = acc * weight + (1 - weight) * v;
    n++;
    return acc / (1 - weight ** n);
  });
}

function sameCurve(a: FigureTrace, b: FigureTrace): boolean {
  if (a.x.length !== b.x.length || a.x.length === 0) return false;
  for (let i = 0; i < a.x.length; i++) {
    if (a.x[i] !== b.x[i]) return false;
    const u = a.y[i];
    const v = b.y[i];
    if (u === null || v === null ? u !== v : Math.abs(u - v) > 1e-9 * Math.max(1, Math.abs(u))) return false;
  }
  return true;
}

/**
 * Drops a trace equal to an earlier one at every point (flow_loss = total_loss when the
 * flow loss is the whole objective); the kept trace's name says "= other".
 */
export function hideDuplicates(traces: readonly FigureTrace[]): FigureTrace[] {
  const kept: FigureTrace[] = [];
  for (const t of traces) {
    const twin = kept.findIndex((k) => (k.panel ?? 0) === (t.panel ?? 0) && sameCurve(k, t));
    if (twin >= 0) kept[twin] = { ...kept[twin]!, name: `${kept[twin]!.name} = ${t.name}` };
    else kept.push(t);
  }
  return kept;
}

export function applyView(fig: FigureSpec, view: ChartView): FigureSpec {
  const traces = hideDuplicates(fig.traces).map((t) => (view.smoothing > 0 ? { ...t, y: smooth(t.y, view.smoothing) } : t));
  const yLog = view.yScale === 'auto' ? fig.yLog : view.yScale === 'log';
  return { ...fig, traces, yLog };
}
