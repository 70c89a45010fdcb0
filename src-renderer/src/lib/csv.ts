/** The plotted data of a figure as long-form CSV: series, x, y (one row per point). */
import { stringify } from 'csv-stringify/browser/esm/sync';
import type { FigureSpec } from './figure-spec.js';

type Cell = string | number | null;

/**
 * The plotted data of a figure as long-form CSV. One panel: series, x, y (one row per
 * point). Several panels: panel, series, x label, x, y label, y — every panel's points.
 * A missing y (null) is an empty cell.
 */
export function figureCsv(fig: FigureSpec): string {
  const rows: Cell[][] = [];
  if (fig.panels) {
    rows.push(['panel', 'series', 'x_axis', 'x', 'y_axis', 'y']);
    for (const t of fig.traces) {
      const p = fig.panels[t.panel ?? 0];
      for (let i = 0; i < t.x.length; i++) rows.push([p.title, t.name, p.xLabel, t.x[i], p.yLabel, t.y[i] ?? null]);
    }
  } else {
    rows.push(['series', fig.xLabel, fig.yLabel]);
    for (const t of fig.traces) {
      for (let i = 0; i < t.x.length; i++) rows.push([t.name, t.x[i], t.y[i] ?? null]);
    }
  }
  return stringify(rows);
}
