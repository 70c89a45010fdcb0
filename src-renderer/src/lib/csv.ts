/** The plotted data of a figure as long-form CSV: series, x, y (one row per point). */
import type { FigureSpec } from './figure-spec.js';

function cell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function figureCsv(fig: FigureSpec): string {
  const lines = [['series', fig.xLabel, fig.yLabel].map(cell).join(',')];
  for (const t of fig.traces) {
    for (let i = 0; i < t.x.length; i++) lines.push([cell(t.name), cell(t.x[i]), cell(t.y[i] ?? null)].join(','));
  }
  return lines.join('\n') + '\n';
}
