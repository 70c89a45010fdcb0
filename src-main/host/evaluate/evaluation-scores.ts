/**
 * The score table beside the evaluation figure: every score of the newest report, each with
 * what it is compared against. A baseline (`baselines.<name>.<metric>` against `<metric>`)
 * or a negative control (white noise, phase-randomised) that scores better than the model
 * is flagged, so "the log-PSD baseline beats the pretrained encoder" is visible in the app.
 * real_vs_real is the ceiling a generator approaches, shown as a reference, never flagged.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ApiReply, EvaluationScore } from '../../../src-preload/contract.js';
import { qualityLeaves, type QualityLeaf } from './evaluate-report.js';

const NEGATIVE_CONTROLS = ['white_noise', 'phase_random'] as const;
const REFERENCES = ['real_vs_real'] as const;

/** Accuracies and AUROCs are higher-better; a leaf says so itself where it knows. */
const higherIsBetter = (l: QualityLeaf): boolean =>
  typeof l.details.higher_is_better === 'boolean' ? l.details.higher_is_better : true;

const better = (a: number, b: number, higher: boolean): boolean => (higher ? a > b : a < b);

/** Scores of one report tree (report.json): the model's leaves, baselines folded in beside the metric they mirror. */
export function scoresOfReport(report: Record<string, unknown>): EvaluationScore[] {
  const leaves = qualityLeaves(report);
  const model = leaves.filter((l) => !l.metric.startsWith('baselines.'));
  const byMetric = new Map(model.map((l) => [l.metric, l]));
  const scores = new Map<string, EvaluationScore>();
  for (const l of model) {
    const higher = higherIsBetter(l);
    const against: EvaluationScore['against'] = [];
    const controls = l.details.controls as Record<string, unknown> | undefined;
    for (const c of [...NEGATIVE_CONTROLS, ...REFERENCES]) {
      const v = controls?.[c];
      if (typeof v !== 'number' || !Number.isFinite(v)) continue;
      const kind = (REFERENCES as readonly string[]).includes(c) ? 'reference' : 'control';
      against.push({ name: `${kind} ${c}`, kind, value: v, beatsModel: kind === 'control' && better(v, l.value, higher) });
    }
    scores.set(l.metric, { metric: l.metric, value: l.value, ci95: l.ci95, protocol: l.protocol, higherIsBetter: higher, against });
  }
  for (const b of leaves.filter((l) => l.metric.startsWith('baselines.'))) {
    const [, name, ...rest] = b.metric.split('.');
    const own = byMetric.get(rest.join('.'));
    if (!own) continue; // a baseline of a section that was not run for the model
    scores.get(own.metric)!.against.push({
      name: `baseline ${name}`, kind: 'baseline', value: b.value, beatsModel: better(b.value, own.value, higherIsBetter(own)),
    });
  }
  return [...scores.values()];
}

/** The newest `<run dir>/evaluation/<stamp>/report.json`, or null. */
export function latestReportFile(workdir: string): string | null {
  const root = path.join(workdir, 'evaluation');
  if (!existsSync(root)) return null;
  for (const stamp of readdirSync(root).sort().reverse()) {
    const file = path.join(root, stamp, 'report.json');
    if (existsSync(file)) return file;
  }
  return null;
}

export function evaluationScores(run: { id: string; workdir: string }): ApiReply<'getEvaluationScores'> {
  const file = latestReportFile(run.workdir);
  if (!file) return { id: run.id, report: null };
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`getEvaluationScores: ${file} is not readable JSON (${err instanceof Error ? err.message : String(err)}); run the evaluation again`);
  }
  return {
    id: run.id,
    report: { path: file, created: String(report.created ?? ''), scale: String(report.scale ?? ''), scores: scoresOfReport(report) },
  };
}
