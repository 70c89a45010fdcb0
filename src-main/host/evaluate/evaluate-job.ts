/**
 * `flowbench evaluate RUN`: score a run's checkpoint in an engine process, then write the
 * report (JSON, Markdown, figure CSVs) into `<run dir>/evaluation/<timestamp>/` and every
 * score into the quality table.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EVALUATION_SECTIONS } from '../../../src-preload/contract.js';
import type { Scale } from '../../config/enums.js';
import type { EngineEvent, EvaluationEvent, FigureTable, FinishedEvent } from '../../engine/protocol/index.js';
import type { Store } from '../../store/index.js';
import type { EngineLauncher } from '../engine-link/engine-launcher.js';
import { startEngine } from '../engine-link/engine-process.js';
import { qualityLeaves, reportFigures, writeEvaluationReport } from './evaluate-report.js';
import { UsageError } from '../usage-error.js';
import { newestVerifiedCheckpoint } from '../runs/verified-checkpoint.js';

/** The sections, declared once in the contract (the app's Evaluate offers them too). */
export const EVAL_SECTIONS = EVALUATION_SECTIONS;

export interface EvaluateJobOptions {
  store: Store;
  runRef: string;
  scale: Scale;
  checkpointPath?: string | null;
  dataPath?: string | null;
  seed?: number;
  cwd: string;
  sections?: string[];
  budget?: Record<string, number>;
  /** Classifier-free guidance scale for the generated windows (default: the run's model.guidance_scale). */
  guidanceScale?: number;
  /** Flow time the frozen features are read at (default 1: clean windows). */
  featureT?: number;
  onEvent?: (event: EngineEvent) => void;
  /** What starts the engine process (default: fork + tsx; Electron passes utilityProcess). */
  launcher?: EngineLauncher;
}

export interface EvaluateJobResult {
  runId: string;
  checkpointPath: string;
  /** Set when newer checkpoints failed verification and an older one was used. */
  checkpointNote: string | null;
  reportPath: string | null;
  report: Record<string, unknown>;
  qualityRows: number;
  finished: FinishedEvent;
}

export async function runEvaluateJob(o: EvaluateJobOptions): Promise<EvaluateJobResult> {
  const { store } = o;
  const runId = store.runs.resolveId(o.runRef);
  const run = store.runs.get(runId)!;
  const sections = o.sections ?? [...EVAL_SECTIONS];
  for (const s of sections) {
    if (!(EVAL_SECTIONS as readonly string[]).includes(s)) throw new UsageError(`evaluate: unknown section "${s}" in --only; valid: ${EVAL_SECTIONS.join(', ')}`);
  }
  if (o.guidanceScale !== undefined && !(o.guidanceScale >= 0 && o.guidanceScale <= 100)) {
    throw new UsageError(`evaluate: --guidance-scale ${o.guidanceScale} is out of range; valid: 0 to 100 (1 = plain conditional, 0 = unconditional)`);
  }
  if (o.featureT !== undefined && !(o.featureT > 0 && o.featureT <= 1)) {
    throw new UsageError(`evaluate: --feature-t ${o.featureT} is out of range; valid: above 0 up to 1 (1 = the clean windows, 0.8 = 20 % noise)`);
  }
  const ckptRows = store.checkpoints.forRun(runId);
  let checkpointPath: string;
  let checkpointNote: string | null = null;
  if (o.checkpointPath) checkpointPath = path.resolve(o.cwd, o.checkpointPath);
  else ({ row: { path: checkpointPath }, note: checkpointNote } = newestVerifiedCheckpoint(store, runId));
  if (!existsSync(checkpointPath)) throw new UsageError(`run ${runId}: checkpoint file ${checkpointPath} is missing on disk`);
  const checkpointId = ckptRows.find((c) => path.resolve(c.path) === checkpointPath)?.id ?? null;
  const seed = o.seed ?? run.seed;

  const report: Record<string, unknown> = {
    run_id: runId, checkpoint: checkpointPath, scale: o.scale, seed, created: new Date().toISOString(),
  };
  const figures: FigureTable[] = [];
  const handle = startEngine(
    {
      type: 'evaluate', run_id: runId, checkpoint_path: checkpointPath, scale: o.scale, seed, cwd: o.cwd,
      data_path: o.dataPath ? path.resolve(o.cwd, o.dataPath) : null, sections, ...(o.budget ? { budget: o.budget } : {}),
      ...(o.guidanceScale !== undefined ? { guidance_scale: o.guidanceScale } : {}),
      ...(o.featureT !== undefined ? { feature_t: o.featureT } : {}),
    },
    {
      onEvent: (event) => {
        if (event.event === 'evaluation') {
          const e = event as EvaluationEvent;
          if (e.section === 'figures') figures.push(...((e.results.tables as typeof figures) ?? []));
          else report[e.section] = { ...e.results, ...(e.section === 'setup' ? {} : { seconds: e.seconds }) };
        }
        o.onEvent?.(event);
      },
      launcher: o.launcher,
    },
  );
  const exit = await handle.done;
  const finished: FinishedEvent = exit.finished ?? {
    event: 'finished', run_id: runId, step: 0, time: new Date().toISOString(), status: 'failed', seconds: 0,
    reason: `engine process ended unexpectedly (${exit.signal ?? `exit code ${exit.exitCode}`}): ${exit.stderrTail.trim().split('\n').pop() ?? ''}`,
  };
  if (finished.status !== 'completed') {
    return { runId, checkpointPath, checkpointNote, reportPath: null, report, qualityRows: 0, finished };
  }
  // The training loss of the evaluated checkpoint, for the report's targets (not a quality score).
  const ckptRow = ckptRows.find((c) => c.id === checkpointId);
  if (ckptRow) report.training = { step: ckptRow.step, val_flow_loss: ckptRow.metrics.val_flow_loss ?? null, train_flow_loss: ckptRow.metrics.train_flow_loss ?? null };
  const stampDir = (report.created as string).replace(/[:.]/g, '-');
  const dir = path.join(run.workdir, 'evaluation', stampDir);
  const reportPath = writeEvaluationReport(dir, report, [...figures, ...reportFigures(report)]);
  const leaves = qualityLeaves(report);
  store.transaction(() => {
    for (const l of leaves) {
      store.quality.insert({
        runId, checkpointId, metric: l.metric, value: l.value,
        ciLow: l.ci95 === null ? null : l.value - l.ci95, ciHigh: l.ci95 === null ? null : l.value + l.ci95,
        protocol: l.protocol, seed: l.seed, details: { ...l.details, scale: o.scale, report: reportPath },
      });
    }
  });
  return { runId, checkpointPath, checkpointNote, reportPath, report, qualityRows: leaves.length, finished };
}
