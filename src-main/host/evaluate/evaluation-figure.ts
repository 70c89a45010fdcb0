/**
 * The data of a run's multi-panel evaluation figure (getEvaluationFigure): the step loss
 * curves from the metrics table, and from the newest `<run dir>/evaluation/<timestamp>/`
 * that has them, figures/spectra.csv (real vs generated mean magnitude spectra) and
 * figures/latent_pca.csv + latent_pca_axes.csv (2-D PCA of held-out encoder features),
 * all written by `flowbench evaluate RUN` (src-main/engine/evaluate/figure-data.ts).
 */
import { parse } from 'csv-parse/sync';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiReply, EvaluationSpectrum, MetricSeries } from '../../../src-preload/contract.js';
import type { RunRow, Store } from '../../store/index.js';

export const EVALUATION_LOSS_METRICS = ['flow_loss', 'contrastive_loss'];

/** A CSV with a header as column → values; throws naming the file and the missing column. */
function readTable(file: string, columns: string[]): Record<string, string[]> {
  const [header, ...rows] = parse(readFileSync(file, 'utf8'), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  const out: Record<string, string[]> = {};
  for (const c of columns) {
    const k = header?.indexOf(c) ?? -1;
    if (k < 0) throw new Error(`getEvaluationFigure: ${file} has no column "${c}" (has ${header?.join(', ') ?? 'nothing'})`);
    out[c] = rows.filter((r) => r.length === header.length).map((r) => r[k]);
  }
  return out;
}

const num = (s: string) => { const v = Number(s); return Number.isFinite(v) ? v : 0; };

function spectraOf(file: string): EvaluationSpectrum[] {
  const t = readTable(file, ['class', 'domain', 'source', 'frequency_hz', 'magnitude']);
  const byKey = new Map<string, EvaluationSpectrum>();
  t.class.forEach((cls, i) => {
    const source = t.source[i] === 'generated' ? 'generated' : 'real';
    const key = `${cls}\u0000${t.domain[i]}\u0000${source}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { class: cls, domain: t.domain[i], source, hz: [], magnitude: [] }));
    s.hz.push(num(t.frequency_hz[i]));
    s.magnitude.push(num(t.magnitude[i]));
  });
  return [...byKey.values()];
}

/** The newest evaluation folder of the run holding both figure tables, or null. */
export function latestEvaluationDir(workdir: string): string | null {
  const root = path.join(workdir, 'evaluation');
  if (!existsSync(root)) return null;
  const stamps = readdirSync(root).sort().reverse();
  for (const s of stamps) {
    const figs = path.join(root, s, 'figures');
    if (existsSync(path.join(figs, 'spectra.csv')) && existsSync(path.join(figs, 'latent_pca.csv'))) return path.join(root, s);
  }
  return null;
}

function lossSeries(store: Store, id: string): MetricSeries[] {
  const out: MetricSeries[] = [];
  for (const name of EVALUATION_LOSS_METRICS) {
    const rows = store.metrics.forRun(id, { names: [name], scope: 'step' });
    if (!rows.length) continue;
    out.push({ name, scope: 'step', step: rows.map((r) => r.step), value: rows.map((r) => (Number.isFinite(r.value) ? r.value : null)) });
  }
  return out;
}

export function evaluationFigure(store: Store, run: RunRow): ApiReply<'getEvaluationFigure'> {
  const losses = lossSeries(store, run.id);
  const dir = latestEvaluationDir(run.workdir);
  if (!dir) return { id: run.id, losses, evaluation: null };
  const figs = path.join(dir, 'figures');
  const lat = readTable(path.join(figs, 'latent_pca.csv'), ['pc1', 'pc2', 'class', 'domain']);
  const axesFile = path.join(figs, 'latent_pca_axes.csv');
  const explained = existsSync(axesFile) ? readTable(axesFile, ['explained_variance_ratio']).explained_variance_ratio.map(num) : [];
  let created = path.basename(dir);
  try {
    created = String((JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as { created?: string }).created ?? created);
  } catch {
    // report.json unreadable: the folder's timestamp name stands in.
  }
  return {
    id: run.id,
    losses,
    evaluation: {
      dir, created, spectra: spectraOf(path.join(figs, 'spectra.csv')),
      latent: { pc1: lat.pc1.map(num), pc2: lat.pc2.map(num), class: lat.class, domain: lat.domain, explained },
    },
  };
}
