/**
 * `flowbench pipeline --config configs/pipeline_pretrain_fewshot.yaml`: the reference's
 * pretrain → few-shot design as one command. Stage 1 is an ordinary train run (its own
 * config file, scale, --set overrides); stage 2 is a run whose parent_run_id is stage 1:
 * a prototypical network initialised from stage 1's final checkpoint, fine-tuned
 * episodically and scored on the test split (engine/evaluate/fewshot-finetune.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadPipelineSpec, loadRunSpec, specHash } from '../../config/index.js';
import type { Scale } from '../../config/schema.js';
import type { EngineEvent, FinishedEvent } from '../../engine/protocol/index.js';
import { newRunId, type Store } from '../../store/index.js';
import { startEngine } from '../engine-link/engine-process.js';
import { qualityLeaves } from '../evaluate/evaluate-report.js';
import { insideDir } from '../paths.js';
import { RunRecorder } from '../runs/run-recorder.js';
import { runTrainJob } from './train-job.js';

export interface PipelineJobOptions {
  store: Store;
  configPath: string;
  scale: Scale | null;
  data: string | null;
  sets: string[];
  seed: number | null;
  cwd: string;
  workdir: string;
  onEvent?: (e: EngineEvent) => void;
  log?: (line: string) => void;
}

export async function runPipelineJob(o: PipelineJobOptions) {
  const log = o.log ?? (() => {});
  const spec = loadPipelineSpec(o.configPath, path.relative(o.cwd, o.configPath) || o.configPath);
  const stage1Config = path.resolve(path.dirname(o.configPath), spec.stage1.config);
  const { spec: trainSpec, warnings } = loadRunSpec({
    configPath: stage1Config, scale: o.scale ?? spec.stage1.scale, data: o.data, sets: [...spec.stage1.set, ...o.sets], seed: o.seed, cwd: o.cwd,
  });
  for (const w of warnings) log(`warning: ${w.message}`);
  log(`stage 1: flow pretraining (${path.relative(o.cwd, stage1Config)}, scale ${trainSpec.scale})`);
  const s1 = await runTrainJob({ store: o.store, spec: trainSpec, workdir: o.workdir, cwd: o.cwd, onEvent: o.onEvent });
  const summary: Record<string, unknown> = { stage1_run_id: s1.runId, stage1_status: s1.finished.status };
  if (s1.finished.status !== 'completed') {
    return { ok: false, summary, text: `stage 1 (${s1.runId}) ${s1.finished.status}: ${s1.finished.reason ?? ''}\n` };
  }
  const ckpt = o.store.checkpoints.latest(s1.runId, { stableOnly: true }) ?? o.store.checkpoints.latest(s1.runId);
  if (!ckpt) return { ok: false, summary, text: `stage 1 (${s1.runId}) wrote no checkpoint\n` };

  // ---- stage 2: a linked run
  const runId = newRunId();
  const runDir = insideDir(o.workdir, runId, 'run folder');
  mkdirSync(path.join(runDir, 'checkpoints'), { recursive: true });
  const stage2 = { ...spec.stage2, stage1_run_id: s1.runId, stage1_checkpoint: ckpt.path, seed: trainSpec.environment.seed };
  writeFileSync(path.join(runDir, 'config.yaml'), stringify({ pipeline: spec.name, stage: 'fewshot', ...stage2 }));
  o.store.runs.create({
    id: runId, name: `${spec.name}: stage 2 few-shot (${spec.stage2.way}-way ${spec.stage2.shot}-shot)`, status: 'created', scale: trainSpec.scale,
    config: { pipeline: spec.name, stage: 'fewshot', ...stage2 }, configHash: specHash(stage2),
    dataSource: o.store.runs.get(s1.runId)!.dataSource, seed: trainSpec.environment.seed, workdir: runDir, parentRunId: s1.runId,
  });
  log(`stage 2: prototypical fine-tuning from ${ckpt.path} (run ${runId}, parent ${s1.runId})`);
  const recorder = new RunRecorder(o.store, runId, path.join(runDir, 'events.jsonl'));
  const results: Record<string, unknown> = {};
  const handle = startEngine(
    {
      type: 'fewshot', run_id: runId, checkpoint_path: ckpt.path, run_dir: runDir, cwd: o.cwd, data_path: null,
      seed: trainSpec.environment.seed, way: spec.stage2.way, shot: spec.stage2.shot, query: spec.stage2.query,
      train_episodes: spec.stage2.train_episodes, eval_episodes: spec.stage2.eval_episodes, lr: spec.stage2.lr,
      max_windows_per_file: spec.stage2.max_windows_per_file,
    },
    {
      onEvent: (e) => {
        recorder.record(e);
        if (e.event === 'evaluation') results[e.section] = e.results;
        if (e.event === 'log') log(`  ${e.message}`);
        o.onEvent?.(e);
      },
      stderrLog: path.join(runDir, 'engine.log'),
    },
  );
  const exit = await handle.done;
  recorder.flush();
  const finished: FinishedEvent = exit.finished ?? {
    event: 'finished', run_id: runId, step: 0, time: new Date().toISOString(), status: 'failed', seconds: 0,
    reason: `engine process ended unexpectedly (${exit.signal ?? `exit code ${exit.exitCode}`}): ${exit.stderrTail.trim().split('\n').pop() ?? ''}`,
  };
  o.store.runs.update(runId, {
    status: finished.status, finishedAt: finished.time, durationS: finished.seconds,
    error: finished.status === 'completed' ? null : (finished.reason ?? null),
  });
  const ckpt2 = o.store.checkpoints.latest(runId);
  for (const l of qualityLeaves(results)) {
    o.store.quality.insert({
      runId, checkpointId: ckpt2?.id ?? null, metric: l.metric, value: l.value,
      ciLow: l.ci95 === null ? null : l.value - l.ci95, ciHigh: l.ci95 === null ? null : l.value + l.ci95,
      protocol: l.protocol, seed: l.seed, details: { ...l.details, pipeline: spec.name, stage1_run_id: s1.runId },
    });
  }
  writeFileSync(path.join(runDir, 'fewshot-report.json'), JSON.stringify({ run_id: runId, parent_run_id: s1.runId, ...results }, null, 2) + '\n');
  const fs = (results.few_shot ?? {}) as Record<string, { value?: number; ci95?: number; way?: number; shot?: number }>;
  const pct = (r?: { value?: number; ci95?: number }) => (r && typeof r.value === 'number' ? `${(100 * r.value).toFixed(1)} % ± ${(100 * (r.ci95 ?? 0)).toFixed(1)}` : '—');
  Object.assign(summary, {
    stage2_run_id: runId, stage2_status: finished.status, parent_run_id: s1.runId,
    few_shot_accuracy: fs.accuracy?.value ?? null, few_shot_ci95: fs.accuracy?.ci95 ?? null,
    few_shot_accuracy_before_finetune: fs.accuracy_before_finetune?.value ?? null, way: fs.accuracy?.way ?? null, shot: fs.accuracy?.shot ?? null,
  });
  const text = [
    `stage 1  ${s1.runId}  flow pretraining  ${s1.finished.status}`,
    `stage 2  ${runId}  few-shot fine-tuning (parent ${s1.runId})  ${finished.status}${finished.reason ? `: ${finished.reason}` : ''}`,
    `  ${fs.accuracy?.way ?? '?'}-way ${fs.accuracy?.shot ?? '?'}-shot accuracy: frozen stage-1 encoder ${pct(fs.accuracy_before_finetune)}, fine-tuned ${pct(fs.accuracy)}`,
  ].join('\n') + '\n';
  return { ok: finished.status === 'completed', summary, text };
}
