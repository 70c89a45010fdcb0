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

export interface SeriesInput {
  name: string;
  step: number[];
  value: (number | null)[];
}

export function seriesFigure(
  id: string,
  title: string,
  yLabel: string,
  series: SeriesInput[],
  runIds: string[],
  opts: { yLog?: boolean; markers?: FigureMarker[] } = {},
): FigureSpec {
  const traces: FigureTrace[] = series
    .filter((s) => s.step.length > 0)
    .map((s) => ({ name: s.name, x: s.step, y: s.value, mode: s.step.length < 3 ? 'lines+markers' : 'lines' }));
  return { id, title, xLabel: STEP_LABEL, yLabel, yLog: opts.yLog, traces, markers: opts.markers, runIds };
}

/** A run's loss curves (step flow_loss, epoch val_flow_loss) from getMetrics series. */
export function lossFigure(runId: string, series: MetricSeries[]): FigureSpec {
  return seriesFigure(
    'loss',
    `Losses of run ${runId}`,
    'loss (MSE, a.u.)',
    series.map((s) => ({ name: `${s.name} (${s.scope})`, step: s.step, value: s.value })),
    [runId],
    { yLog: true },
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
