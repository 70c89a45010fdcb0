/**
 * plotly (≈4 MB) loaded on first use, and the FigureSpec → plotly traces/layout mapping
 * shared by the on-screen charts and the publication export.
 */
import type { PlotLayout, PlotTrace } from 'plotly.js-dist-min';
import type { FigureSpec } from '../lib/figure-spec.js';

type Plotly = typeof import('plotly.js-dist-min').default;
let plotly: Promise<Plotly> | null = null;

export function loadPlotly(): Promise<Plotly> {
  // The bundle is UMD; its API is the default export after vite's CommonJS interop.
  plotly ??= import('plotly.js-dist-min').then((m) => m.default);
  return plotly;
}

/** Colour-blind-safe (Okabe–Ito) palette, also distinct in greyscale order. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

export function toTraces(fig: FigureSpec, lineWidth: number): PlotTrace[] {
  return fig.traces.map((t, i) => ({
    x: t.x,
    y: t.y,
    type: 'scatter',
    mode: t.mode ?? 'lines',
    name: t.name,
    line: { width: lineWidth, color: PALETTE[i % PALETTE.length] },
    marker: { size: 4 },
  }));
}

export function markerShapes(fig: FigureSpec, width: number): NonNullable<PlotLayout['shapes']> {
  return (fig.markers ?? []).map((m) => ({
    type: 'line', xref: 'x', yref: 'paper', x0: m.x, x1: m.x, y0: 0, y1: 1,
    line: { color: '#C00000', width, dash: 'dot' },
  }));
}

/** The on-screen layout (the app's own look; export uses publicationLayout). */
export function screenLayout(fig: FigureSpec, height: number): PlotLayout {
  return {
    title: { text: fig.title, font: { size: 13 } },
    xaxis: { title: { text: fig.xLabel }, automargin: true },
    yaxis: { title: { text: fig.yLabel }, type: fig.yLog ? 'log' : 'linear', automargin: true, exponentformat: 'power' },
    margin: { l: 55, r: 10, t: 30, b: 40 },
    height,
    showlegend: fig.traces.length > 1,
    legend: { font: { size: 10 } },
    shapes: markerShapes(fig, 1),
    font: { family: 'Helvetica, Arial, sans-serif' },
  };
}
