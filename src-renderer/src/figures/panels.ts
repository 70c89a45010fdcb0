/**
 * Axes of a multi-panel FigureSpec for plotly: panel i gets xaxis{i+1}/yaxis{i+1} with its
 * own share of the paper, laid out in one row (screen, double column) or one column
 * (single column), and a bold "(a) title" label above it.
 */
import type { PlotAnnotation, PlotAxis, PlotFont, PlotLayout } from 'plotly.js-dist-min';
import type { FigureSpec } from '../lib/figure-spec.js';

export type PanelArrangement = 'row' | 'column';

/** [start, end] of slot k of n along [0, 1], with `gap` between slots. */
function slot(k: number, n: number, gap: number): [number, number] {
  const w = (1 - gap * (n - 1)) / n;
  return [k * (w + gap), k * (w + gap) + w];
}

export function panelAxes(fig: FigureSpec, arrangement: PanelArrangement, axis: PlotAxis, titleFont: PlotFont, gap = 0.09): Partial<PlotLayout> {
  const panels = fig.panels ?? [];
  const n = panels.length;
  const out: Partial<PlotLayout> = {};
  const annotations: PlotAnnotation[] = [];
  panels.forEach((p, i) => {
    const sfx = i === 0 ? '' : String(i + 1);
    // Rows of a column layout run top to bottom: panel 0 is the top slot.
    const d = arrangement === 'row' ? slot(i, n, gap) : slot(n - 1 - i, n, gap * 1.6);
    const x: PlotAxis = { ...axis, title: { ...axis.title, text: p.xLabel }, anchor: `y${sfx}`, ...(arrangement === 'row' ? { domain: d } : { domain: [0, 1] }) };
    const y: PlotAxis = { ...axis, title: { ...axis.title, text: p.yLabel }, anchor: `x${sfx}`, type: p.yLog ? 'log' : 'linear', ...(arrangement === 'row' ? { domain: [0, 1] } : { domain: d }) };
    out[`xaxis${sfx}` as 'xaxis'] = x;
    out[`yaxis${sfx}` as 'yaxis'] = y;
    annotations.push({
      text: `<b>(${String.fromCharCode(97 + i)})</b> ${p.title}`, xref: 'paper', yref: 'paper',
      x: arrangement === 'row' ? d[0] : 0, y: arrangement === 'row' ? 1 : d[1], xanchor: 'left', yanchor: 'bottom', showarrow: false, font: titleFont,
    });
  });
  out.annotations = annotations;
  return out;
}
