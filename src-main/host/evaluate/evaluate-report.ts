/**
 * Turning evaluation sections into the stored report: report.json (nested by protocol),
 * report.md (one table of every score with its controls), CSV tables behind the figures,
 * and flat quality rows (dotted metric path, value, CI, protocol, seed) for SQLite.
 */
import { stringify } from 'csv-stringify/sync';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FigureTable } from '../../engine/protocol/index.js';
import { targetRows } from './report-targets.js';

export interface QualityLeaf {
  metric: string;
  value: number;
  ci95: number | null;
  protocol: string;
  seed: number | null;
  details: Record<string, unknown>;
}

const isLeaf = (x: unknown): x is { value: number; protocol: string; ci95?: number; seed?: number } =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && typeof (x as { value?: unknown }).value === 'number' && typeof (x as { protocol?: unknown }).protocol === 'string';

/** Every MetricResult leaf of a report, with its dotted path (e.g. baselines.random_init.few_shot.accuracy). */
export function qualityLeaves(tree: Record<string, unknown>, prefix = ''): QualityLeaf[] {
  const out: QualityLeaf[] = [];
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isLeaf(v)) {
      const { value, protocol, ci95, seed, ...details } = v as { value: number; protocol: string; ci95?: number; seed?: number } & Record<string, unknown>;
      out.push({ metric: key, value, ci95: typeof ci95 === 'number' ? ci95 : null, protocol, seed: typeof seed === 'number' ? seed : null, details });
    } else if (typeof v === 'object' && v !== null && !Array.isArray(v) && k !== 'setup' && k !== 'figures') {
      out.push(...qualityLeaves(v as Record<string, unknown>, key));
    }
  }
  return out;
}


function fmt(v: unknown): string {
  if (typeof v !== 'number') return v === undefined || v === null ? '—' : String(v);
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4);
}

function csv(t: FigureTable): string {
  return stringify([t.columns, ...t.rows]);
}

export function markdownReport(report: Record<string, unknown>): string {
  const lines: string[] = [];
  const setup = (report.setup ?? {}) as Record<string, unknown>;
  lines.push(`# Evaluation of run ${String(report.run_id)}`, '');
  lines.push(`- checkpoint: \`${String(report.checkpoint)}\` (step ${String(setup.step)}, ${String(setup.weights)} weights, ${String(setup.velocity_net)})`);
  lines.push(`- scale: ${String(report.scale)}, seed ${String(report.seed)}, created ${String(report.created)}`);
  lines.push(`- split: ${String(setup.split)}`);
  lines.push(`- windows: ${JSON.stringify(setup.windows)}`, '');
  lines.push('## Targets', '', '| target | value | needed | met / distance |', '|---|---|---|---|');
  // Counts (metrics beating the controls) print as integers.
  const num = (v: number | null) => (v !== null && Number.isInteger(v) ? String(v) : fmt(v));
  for (const t of targetRows(report)) lines.push(`| ${t.target} | ${num(t.value)} | ${num(t.needed)} | ${t.status === 'met' ? 'met' : t.status === 'missed' ? `**${t.note}**` : t.note} |`);
  lines.push('', '## Scores', '');
  lines.push('| metric | value | ±95 % | generated beats noise controls | real-vs-real / white / phase | protocol |');
  lines.push('|---|---|---|---|---|---|');
  for (const leaf of qualityLeaves(report)) {
    const c = leaf.details.controls as Record<string, number> | undefined;
    const beats = leaf.details.beats_controls;
    lines.push(`| ${leaf.metric} | ${fmt(leaf.value)} | ${leaf.ci95 === null ? '' : fmt(leaf.ci95)} | ${beats === undefined ? '' : beats ? 'yes' : '**no**'} | ${c ? `${fmt(c.real_vs_real)} / ${fmt(c.white_noise)} / ${fmt(c.phase_random)}` : ''} | ${leaf.protocol} |`);
  }
  const notes: string[] = [];
  const walk = (t: Record<string, unknown>, p: string) => {
    for (const [k, v] of Object.entries(t)) {
      if (typeof v === 'string' && (v.startsWith('not available') || v.startsWith('skipped'))) notes.push(`- ${p}${k}: ${v}`);
      else if (typeof v === 'object' && v !== null && !Array.isArray(v) && !isLeaf(v)) walk(v as Record<string, unknown>, `${p}${k}.`);
    }
  };
  walk(report, '');
  if (notes.length) lines.push('', '## Not computed', '', ...notes);
  // What the protocols changed to fit this data (fewer classes or queries, unlabelled windows, channels).
  const adapted = [...((setup.adapted as string[] | undefined) ?? [])];
  for (const leaf of qualityLeaves(report)) {
    for (const a of (leaf.details.adapted as string[] | undefined) ?? []) adapted.push(`${leaf.metric}: ${a}`);
  }
  if (adapted.length) lines.push('', '## Adapted to this data', '', ...adapted.map((a) => `- ${a}`));
  lines.push('', 'Figure data: `figures/*.csv`. Every score is also in the quality table of the run database.');
  return lines.join('\n') + '\n';
}

/** Writes report.json, report.md and figures/*.csv into dir; returns the report path. */
export function writeEvaluationReport(dir: string, report: Record<string, unknown>, figures: FigureTable[]): string {
  mkdirSync(path.join(dir, 'figures'), { recursive: true });
  const file = path.join(dir, 'report.json');
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(path.join(dir, 'report.md'), markdownReport(report));
  for (const t of figures) writeFileSync(path.join(dir, 'figures', `${t.name}.csv`), csv(t));
  return file;
}

/** Figure tables derived from the report itself: per-episode accuracy summaries, per-class probe accuracy, anomaly. */
export function reportFigures(report: Record<string, unknown>): FigureTable[] {
  const rows: (number | string)[][] = qualityLeaves(report).map((l) => [l.metric, l.value, l.ci95 ?? '', l.protocol, l.seed ?? '']);
  const out: FigureTable[] = [{ name: 'scores', columns: ['metric', 'value', 'ci95', 'protocol', 'seed'], rows }];
  const perClass: (number | string)[][] = [];
  for (const l of qualityLeaves(report)) {
    const pc = l.details.per_class as Record<string, number> | undefined;
    if (pc) for (const [c, v] of Object.entries(pc)) perClass.push([l.metric, c, v]);
  }
  if (perClass.length) out.push({ name: 'per_class_accuracy', columns: ['metric', 'class', 'accuracy'], rows: perClass });
  const controls: (number | string)[][] = [];
  for (const l of qualityLeaves(report)) {
    const c = l.details.controls as Record<string, number> | undefined;
    if (c) controls.push([l.metric, l.value, c.real_vs_real, c.white_noise, c.phase_random]);
  }
  if (controls.length) out.push({ name: 'generation_vs_controls', columns: ['metric', 'generated', 'real_vs_real', 'white_noise', 'phase_random'], rows: controls });
  return out;
}
