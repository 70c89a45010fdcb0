/**
 * The multi-panel evaluation figure of a run (pure, shared by the view and the tests):
 *   (a) flow and contrastive loss vs step (metrics table),
 *   (b) mean magnitude spectra, real (solid) vs generated (dashed), one colour per class,
 *   (c) 2-D PCA of held-out windows' encoder features, one colour per class.
 */
import type { EvaluationFigure } from '../../../src-preload/contract.js';
import type { FigurePanel, FigureSpec, FigureTrace } from './figure-spec.js';
import { METRIC_LABELS, STEP_LABEL } from './figures.js';

/** Okabe–Ito colours for classes (the same class keeps its colour in (b) and (c)). */
const CLASS_COLORS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#999999'];
const LOSS_COLORS: Record<string, string> = { flow_loss: '#000000', contrastive_loss: '#7F7F7F' };
const LOSS_NAMES: Record<string, string> = { flow_loss: 'flow loss', contrastive_loss: 'contrastive loss' };

export const EVALUATION_PANELS: FigurePanel[] = [
  { title: 'losses', xLabel: STEP_LABEL, yLabel: 'loss (a.u.)', yLog: true },
  { title: 'real vs generated spectra', xLabel: 'frequency (Hz)', yLabel: 'magnitude (signal units)', yLog: true },
  { title: 'latent map (encoder PCA)', xLabel: 'PC 1 (a.u.)', yLabel: 'PC 2 (a.u.)' },
];

const share = (v: number | undefined) => (v === undefined ? '' : `; ${(100 * v).toFixed(1)} % of variance`);

/** null until the run has an evaluation report with the figure tables. */
export function evaluationFigure(runId: string, data: EvaluationFigure): FigureSpec | null {
  const ev = data.evaluation;
  if (!ev) return null;
  const classes = [...new Set([...ev.spectra.map((s) => s.class), ...ev.latent.class])];
  const color = (cls: string) => CLASS_COLORS[Math.max(classes.indexOf(cls), 0) % CLASS_COLORS.length];
  const traces: FigureTrace[] = [];
  for (const s of data.losses) {
    if (!s.step.length) continue;
    traces.push({ name: LOSS_NAMES[s.name] ?? METRIC_LABELS[s.name] ?? s.name, x: s.step, y: s.value, panel: 0, color: LOSS_COLORS[s.name] });
  }
  for (const s of ev.spectra) {
    // Bin 0 is the removed mean (≈ 0): left out of a log axis.
    traces.push({
      name: `${s.class} ${s.source}`, x: s.hz.slice(1), y: s.magnitude.slice(1), panel: 1,
      color: color(s.class), dash: s.source === 'generated' ? 'dash' : 'solid',
    });
  }
  const seen = new Set(ev.spectra.map((s) => s.class));
  for (const cls of classes) {
    const idx = ev.latent.class.flatMap((c, i) => (c === cls ? [i] : []));
    if (!idx.length) continue;
    traces.push({
      name: seen.has(cls) ? `${cls} (latent)` : cls, x: idx.map((i) => ev.latent.pc1[i]), y: idx.map((i) => ev.latent.pc2[i]),
      panel: 2, mode: 'markers', color: color(cls),
    });
  }
  const [e1, e2] = ev.latent.explained;
  const panels = EVALUATION_PANELS.map((p, i) => (i === 2 ? { ...p, xLabel: `PC 1 (a.u.${share(e1)})`, yLabel: `PC 2 (a.u.${share(e2)})` } : p));
  return {
    id: 'evaluation', title: `Evaluation of run ${runId}`, xLabel: '', yLabel: '', traces, panels, runIds: [runId],
  };
}
