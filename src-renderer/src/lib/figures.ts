/** Builders from contract data to FigureSpecs (pure: the charts and the tests share them). */
import type { Curve, MetricSeries } from '../../../src-preload/contract.js';
import type { FigureMarker, FigureSpec, FigureTrace } from './figure-spec.js';

/** Axis labels with units for the metrics the app plots. */
export const METRIC_LABELS: Record<string, string> = {
  flow_loss: 'flow loss (MSE, a.u.)',
  val_flow_loss: 'validation flow loss (MSE, a.u.)',
  train_flow_loss: 'train flow loss (MSE, a.u.)',
  total_loss: 'total loss (a.u.)',
  contrastive_loss: 'contrastive loss (NT-Xent, nats)',
  flow_weight: 'loss weight (–)',
  contrastive_weight: 'loss weight (–)',
  lr: 'learning rate (–)',
  grad_norm: 'gradient norm (L2, a.u.)',
  steps_per_s: 'throughput (steps/s)',
  rss_mb: 'engine memory (MB)',
};
export const STEP_LABEL = 'optimiser step (–)';
export const TIME_LABEL = 'wall time since the first step (s)';

export interface SeriesInput {
  name: string;
  step: number[];
  value: (number | null)[];
  /** Wall time of each point, ms since 1970 (for the wall-time x axis). */
  t?: number[];
}

export function seriesFigure(
  id: string,
  title: string,
  yLabel: string,
  series: SeriesInput[],
  runIds: string[],
  opts: { yLog?: boolean; markers?: FigureMarker[]; xTime?: boolean } = {},
): FigureSpec {
  const drawn = series.filter((s) => s.step.length > 0);
  // Wall time only when every series has it; each series from its own first point (runs compared side by side).
  const time = opts.xTime === true && drawn.length > 0 && drawn.every((s) => s.t?.length === s.step.length);
  const t0 = time ? Math.min(...drawn.map((s) => s.t![0]!)) : 0;
  const traces: FigureTrace[] = drawn.map((s) => ({
    name: s.name,
    x: time ? s.t!.map((t) => (t - t0) / 1000) : s.step,
    y: s.value,
    mode: s.step.length < 3 ? 'lines+markers' : 'lines',
  }));
  // Markers stand at steps: they are left off a wall-time axis.
  return { id, title, xLabel: time ? TIME_LABEL : STEP_LABEL, yLabel, yLog: opts.yLog, traces, markers: time ? undefined : opts.markers, runIds };
}

/** A run's loss curves (step flow_loss, epoch val_flow_loss) from getMetrics series. */
export function lossFigure(runId: string, series: MetricSeries[], xTime = false): FigureSpec {
  return seriesFigure(
    'loss',
    `Losses of run ${runId}`,
    'loss (MSE, a.u.)',
    series.map((s) => ({ name: `${s.name} (${s.scope})`, step: s.step, value: s.value, t: s.t })),
    [runId],
    { yLog: true, xTime },
  );
}

export function curveFigure(id: string, title: string, xLabel: string, yLabel: string, curve: Curve, name: string): FigureSpec {
  return {
    id, title, xLabel: `${xLabel} (${curve.xUnit})`, yLabel: `${yLabel} (${curve.yUnit.replace(/^.*\((.*)\)$/, '$1')})`,
    traces: [{ name, x: curve.x, y: curve.y }], runIds: [],
  };
}

/** Real and generated curves overlaid (the dashboard's preview panel): real first, then generated. */
export function overlayFigure(
  id: string,
  title: string,
  xLabel: string,
  yLabel: string,
  real: { x: number[]; y: number[] }[],
  generated: { x: number[]; y: number[] }[],
  runIds: string[],
  opts: { yLog?: boolean } = {},
): FigureSpec {
  const traces: FigureTrace[] = [
    ...real.map((c, i) => ({ name: `real ${i + 1}`, x: c.x, y: c.y })),
    ...generated.map((c, i) => ({ name: `generated ${i + 1}`, x: c.x, y: c.y })),
  ];
  return { id, title, xLabel, yLabel, yLog: opts.yLog, traces, runIds };
}

/**
 * Small multiples: panel i holds real window i and generated window i (one row of panels),
 * so each pair reads on its own axes instead of six curves on one.
 */
export function pairsFigure(
  id: string,
  title: string,
  xLabel: string,
  yLabel: string,
  real: { x: number[]; y: number[] }[],
  generated: { x: number[]; y: number[] }[],
  runIds: string[],
  colors: readonly [string, string],
): FigureSpec {
  const n = Math.max(real.length, generated.length);
  const panels = Array.from({ length: n }, (_, i) => ({ title: `window ${i + 1}`, xLabel, yLabel: i === 0 ? yLabel : '' }));
  const traces: FigureTrace[] = [];
  for (let i = 0; i < n; i++) {
    const first = i === 0;
    if (real[i]) traces.push({ name: 'real', x: real[i]!.x, y: real[i]!.y, panel: i, color: colors[0], showLegend: first });
    if (generated[i]) traces.push({ name: 'generated', x: generated[i]!.x, y: generated[i]!.y, panel: i, color: colors[1], showLegend: first });
  }
  return { id, title, xLabel, yLabel, traces, panels, runIds };
}
