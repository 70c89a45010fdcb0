/** The plotted data of a figure as long-form CSV: series, x, y (one row per point). */
import type { FigureSpec } from './figure-spec.js';

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The plotted data of a figure as long-form CSV. One panel: series, x, y (one row per
 * point). Several panels: panel, series, x label, x, y label, y — every panel's points.
 */
export function figureCsv(fig: FigureSpec): string {
  if (fig.panels) {
    const lines = [['panel', 'series', 'x_axis', 'x', 'y_axis', 'y'].join(',')];
    for (const t of fig.traces) {
      const p = fig.panels[t.panel ?? 0];
      for (let i = 0; i < t.x.length; i++) lines.push([cell(p.title), cell(t.name), cell(p.xLabel), cell(t.x[i]), cell(p.yLabel), cell(t.y[i] ?? null)].join(','));
    }
    return lines.join('\n') + '\n';
  }
  const lines = [['series', fig.xLabel, fig.yLabel].map(cell).join(',')];
  for (const t of fig.traces) {
    for (let i = 0; i < t.x.length; i++) lines.push([cell(t.name), cell(t.x[i]), cell(t.y[i] ?? null)].join(','));
  }
  return lines.join('\n') + '\n';
}
