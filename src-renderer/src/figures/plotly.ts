/**
 * plotly (≈4 MB) loaded on first use, and the FigureSpec → plotly traces/layout mapping
 * shared by the on-screen charts and the publication export.
 */
import type { PlotLayout, PlotTrace } from 'plotly.js-dist-min';
import type { FigureSpec } from '../lib/figure-spec.js';
import { panelAxes } from './panels.js';

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
  return fig.traces.map((t, i) => {
    const color = t.color ?? PALETTE[i % PALETTE.length];
    const p = t.panel ?? 0;
    return {
      x: t.x,
      y: t.y,
      type: 'scatter',
      mode: t.mode ?? 'lines',
      name: t.name,
      line: { width: lineWidth, color, dash: t.dash ?? 'solid' },
      marker: { size: t.mode === 'markers' ? 1.6 * lineWidth + 1 : 4, color },
      ...(t.showLegend === false ? { showlegend: false } : {}),
      // A ± band: no edge line, a translucent fill of the trace's colour.
      ...(t.band ? { line: { width: 0, color }, hoverinfo: 'skip' } : {}),
      ...(t.fill ? { fill: t.fill, fillcolor: `${color}33` } : {}),
      ...(fig.panels && p > 0 ? { xaxis: `x${p + 1}`, yaxis: `y${p + 1}` } : {}),
    };
  });
}

export function markerShapes(fig: FigureSpec, width: number): NonNullable<PlotLayout['shapes']> {
  return (fig.markers ?? []).map((m) => ({
    type: 'line', xref: 'x', yref: 'paper', x0: m.x, x1: m.x, y0: 0, y1: 1,
    line: { color: '#C00000', width, dash: 'dot' },
  }));
}

/** Labels of the markers that ask for one, written up the line at the top of the plot. */
export function markerLabels(fig: FigureSpec): NonNullable<PlotLayout['annotations']> {
  return (fig.markers ?? []).filter((m) => m.showLabel).map((m) => ({
    text: m.label, xref: 'x', yref: 'paper', x: m.x, y: 1, xanchor: 'left', yanchor: 'top', textangle: -90, showarrow: false,
    font: { size: 9, color: '#C00000' },
  }));
}

/** The on-screen layout (the app's own look; export uses publicationLayout). */
export function screenLayout(fig: FigureSpec, height: number): PlotLayout {
  if (fig.panels) {
    // No figure title on screen: the panels carry "(a) …" labels and the section its heading.
    return {
      ...panelAxes(fig, 'row', { automargin: true, exponentformat: 'power' }, { size: 12 }),
      margin: { l: 55, r: 10, t: 28, b: 40 },
      height,
      showlegend: true,
      legend: { font: { size: 10 }, orientation: 'h', y: -0.2, yanchor: 'top' },
      font: { family: 'Helvetica, Arial, sans-serif' },
    };
  }
  return {
    title: { text: fig.title, font: { size: 13 } },
    xaxis: { title: { text: fig.xLabel }, automargin: true },
    yaxis: { title: { text: fig.yLabel }, type: fig.yLog ? 'log' : 'linear', automargin: true, exponentformat: 'power' },
    height,
    showlegend: fig.traces.length > 1,
    // Long names (compare legends naming parameters) go below the plot, so they do not squeeze it.
    legend: fig.traces.some((t) => t.name.length > 24)
      ? { font: { size: 10 }, orientation: 'h', x: 0, y: -0.3, yanchor: 'top' }
      : { font: { size: 10 } },
    margin: { l: 55, r: 10, t: 30, b: fig.traces.some((t) => t.name.length > 24) ? 90 : 40 },
    shapes: markerShapes(fig, 1),
    annotations: markerLabels(fig),
    font: { family: 'Helvetica, Arial, sans-serif' },
  };
}
