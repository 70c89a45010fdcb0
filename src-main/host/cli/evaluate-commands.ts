/**
 * `evaluate` and `pipeline`: score a run; pretrain → few-shot in one command.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Scale } from '../../config/schema.js';
import { SCALES } from '../../config/enums.js';
import { defaultHome, defaultRunsDir } from '../paths.js';
import { collect, parseInteger, parseNumber, openDb, dbOption, EXIT_BAD_INPUT, EXIT_FAILED } from './options.js';

export function registerEvaluateCommands(program: Command): void {
  program
    .command('evaluate')
    .description("Score a run's checkpoint: linear probe, few-shot, baselines, cross-load, anomaly, generation vs controls")
    .argument('<run>', "run id, a unique prefix of one, or 'last'")
    .addOption(new Option('--scale <scale>', `how much to evaluate: ${SCALES.join(' | ')}`).choices(SCALES).default('quick'))
    .option('--checkpoint <file>', 'evaluate this checkpoint file (default: the newest stable one of the run)')
    .option('--data <path>', "evaluate on this dataset instead of the run's own")
    .option('--seed <n>', 'seed of episodes, permutations and samples (default: the run seed)', parseInteger('--seed'))
    .option('--seeds <n>', 'repeat the evaluation under N seeds (seed, seed + 1, …) and report mean ± std of every score', seedCount, 1)
    .option('--only <sections>', 'comma-separated subset: linear_probe,few_shot,cross_condition,baselines,anomaly,generation')
    .option('--episodes <n>', 'override the scale: few-shot episodes', parseInteger('--episodes'))
    .option('--guidance-scale <w>', "classifier-free guidance for the generated windows (default: the run's model.guidance_scale)", parseNumber('--guidance-scale'))
    .option('--feature-t <t>', 'flow time (0 < t <= 1) the frozen features are read at: windows noised to (1 - t)·noise + t·x (default 1: the clean windows)', parseNumber('--feature-t'))
    .addOption(dbOption())
    .option('--json', 'JSON events on stdout, ending with finished and the report path')
    .action(async (ref: string, opts) => {
      const { runEvaluateJob } = await import('../evaluate/evaluate-job.js');
      const { markdownReport } = await import('../evaluate/evaluate-report.js');
      const store = openDb(opts.db);
      try {
        const runId = store.runs.resolveId(ref);
        const firstSeed: number = opts.seed ?? store.runs.get(runId)!.seed;
        const done: { seed: number; report: Record<string, unknown> }[] = [];
        for (let k = 0; k < opts.seeds; k++) {
          const result = await runEvaluateJob({
            store, runRef: runId, scale: opts.scale as Scale, checkpointPath: opts.checkpoint ?? null, dataPath: opts.data ?? null,
            seed: firstSeed + k, cwd: process.cwd(), sections: opts.only ? String(opts.only).split(',').map((x: string) => x.trim()) : undefined,
            budget: opts.episodes ? { episodes: opts.episodes } : undefined,
            guidanceScale: opts.guidanceScale,
            featureT: opts.featureT,
            onEvent: opts.json ? (e) => process.stdout.write(JSON.stringify(e) + '\n') : (e) => {
              if (e.event === 'evaluation') process.stderr.write(`evaluated ${e.section} (${e.seconds.toFixed(1)} s)\n`);
            },
          });
          if (k === 0 && result.checkpointNote) process.stderr.write(`flowbench: ${result.checkpointNote}\n`);
          if (result.finished.status !== 'completed') {
            // Data the engine could not use (a bad --data, no test windows) is bad input, as in train.
            const bad = result.finished.bad_input === true;
            process.stderr.write(`flowbench: ${bad ? '' : `evaluation failed (seed ${firstSeed + k}): `}${result.finished.reason ?? 'unknown reason'}\n`);
            process.exitCode = bad ? EXIT_BAD_INPUT : EXIT_FAILED;
            return;
          }
          done.push({ seed: firstSeed + k, report: result.report });
          if (opts.json) {
            process.stdout.write(JSON.stringify({ event: 'report', run_id: result.runId, seed: firstSeed + k, report_path: result.reportPath, quality_rows: result.qualityRows }) + '\n');
          } else if (opts.seeds === 1) {
            process.stdout.write(markdownReport(result.report) + `\nreport: ${result.reportPath}\n`);
          } else {
            process.stderr.write(`seed ${firstSeed + k}: report ${result.reportPath}\n`);
          }
        }
        if (opts.seeds > 1) {
          const { summariseSeedReports, seedSummaryMarkdown } = await import('../evaluate/seed-summary.js');
          const stats = summariseSeedReports(done);
          const file = writeSeedSummary(store.runs.get(runId)!.workdir, stats, seedSummaryMarkdown(stats, `Evaluation of run ${runId} over ${done.length} seeds`));
          if (opts.json) process.stdout.write(JSON.stringify({ event: 'seeds', run_id: runId, seeds: done.map((d) => d.seed), summary_path: file, stats }) + '\n');
          else process.stdout.write(seedSummaryMarkdown(stats, `Evaluation of run ${runId} over ${done.length} seeds`) + `\nsummary: ${file}\n`);
        }
      } finally {
        store.close();
      }
    });
  program
    .command('pipeline')
    .description('Pretrain → few-shot: stage 1 flow pretraining, stage 2 prototypical fine-tuning from its checkpoint (linked runs)')
    .requiredOption('--config <file>', 'pipeline YAML (see configs/pipeline_pretrain_fewshot.yaml)')
    .addOption(new Option('--scale <scale>', SCALES.join(' | ')).choices(SCALES))
    .option('--data <path>', 'dataset folder (with LABELS.csv)')
    .option('--set <key=value>', 'override a stage-1 config key (repeatable)', collect, [])
    .option('--seed <n>', 'random seed', parseInteger('--seed'))
    .option('--seeds <n>', 'repeat the whole pipeline under N seeds (seed, seed + 1, …) and report mean ± std of the few-shot accuracies', seedCount, 1)
    .addOption(dbOption())
    .option('--workdir <dir>', 'folder for run folders (default: $FLOWBENCH_HOME/runs)')
    .option('--json', 'JSON events on stdout')
    .action(async (opts) => {
      const { runPipelineJob } = await import('../train/pipeline-job.js');
      const { meanStd } = await import('../evaluate/seed-summary.js');
      const store = openDb(opts.db);
      try {
        let seed: number | null = opts.seed ?? null; // null: the stage-1 config's own seed
        const summaries: Record<string, unknown>[] = [];
        for (let k = 0; k < opts.seeds; k++) {
          const result = await runPipelineJob({
            store, configPath: path.resolve(opts.config), scale: (opts.scale as Scale | undefined) ?? null, data: opts.data ?? null,
            sets: opts.set, seed, cwd: process.cwd(), workdir: path.resolve(opts.workdir ?? defaultRunsDir(defaultHome())),
            onEvent: opts.json ? (e) => process.stdout.write(JSON.stringify(e) + '\n') : undefined,
            log: opts.json ? () => {} : (line) => process.stderr.write(line + '\n'),
          });
          const runSeed = store.runs.get(String(result.summary.stage1_run_id))!.seed;
          summaries.push({ seed: runSeed, ...result.summary });
          if (opts.json) process.stdout.write(JSON.stringify({ event: 'pipeline', seed: runSeed, ...result.summary }) + '\n');
          else process.stdout.write(result.text);
          if (!result.ok) {
            process.exitCode = EXIT_FAILED;
            return;
          }
          seed = runSeed + 1;
        }
        if (opts.seeds > 1) {
          const stat = (key: string) => {
            const v = summaries.map((x) => x[key]).filter((x): x is number => typeof x === 'number');
            return v.length === summaries.length ? { ...meanStd(v), n: v.length, values: v } : null;
          };
          const over = {
            seeds: summaries.map((x) => x.seed as number),
            few_shot_accuracy: stat('few_shot_accuracy'),
            few_shot_accuracy_before_finetune: stat('few_shot_accuracy_before_finetune'),
          };
          const pct = (x: ReturnType<typeof stat>) => (x ? `${(100 * x.mean).toFixed(1)} % ± ${(100 * x.std).toFixed(1)} (n ${x.n})` : '—');
          if (opts.json) process.stdout.write(JSON.stringify({ event: 'seeds', ...over }) + '\n');
          else process.stdout.write(`over seeds ${over.seeds.join(', ')}: frozen ${pct(over.few_shot_accuracy_before_finetune)}, fine-tuned ${pct(over.few_shot_accuracy)} (mean ± std)\n`);
        }
        process.exitCode = 0;
      } finally {
        store.close();
      }
    });
}

/** seeds-<time>.json and .md beside the per-seed reports, in <run dir>/evaluation/. */
function writeSeedSummary(runDir: string, stats: unknown, markdown: string): string {
  const dir = path.join(runDir, 'evaluation');
  mkdirSync(dir, { recursive: true });
  const base = path.join(dir, `seeds-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  writeFileSync(`${base}.json`, JSON.stringify(stats, null, 2) + '\n');
  writeFileSync(`${base}.md`, markdown);
  return `${base}.json`;
}

function seedCount(value: string): number {
  const n = parseInteger('--seeds')(value);
  if (n < 1 || n > 100) throw new InvalidArgumentError('--seeds must be 1 to 100.');
  return n;
}
