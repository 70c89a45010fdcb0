/**
 * `evaluate` and `pipeline`: score a run; pretrain → few-shot in one command.
 */
import { type Command, Option } from 'commander';
import path from 'node:path';
import type { Scale } from '../../config/schema.js';
import { defaultHome, defaultRunsDir } from '../paths.js';
import { collect, parseInteger, parseNumber, openDb, dbOption, EXIT_FAILED } from './options.js';

export function registerEvaluateCommands(program: Command): void {
  program
    .command('evaluate')
    .description("Score a run's checkpoint: linear probe, few-shot, baselines, cross-load, anomaly, generation vs controls")
    .argument('<run>', "run id, a unique prefix of one, or 'last'")
    .addOption(new Option('--scale <scale>', 'how much to evaluate: quick | medium | full').choices(['quick', 'medium', 'full']).default('quick'))
    .option('--checkpoint <file>', 'evaluate this checkpoint file (default: the newest stable one of the run)')
    .option('--data <path>', "evaluate on this dataset instead of the run's own")
    .option('--seed <n>', 'seed of episodes, permutations and samples (default: the run seed)', parseInteger('--seed'))
    .option('--only <sections>', 'comma-separated subset: linear_probe,few_shot,cross_condition,baselines,anomaly,generation')
    .option('--episodes <n>', 'override the scale: few-shot episodes', parseInteger('--episodes'))
    .option('--guidance-scale <w>', "classifier-free guidance for the generated windows (default: the run's model.guidance_scale)", parseNumber('--guidance-scale'))
    .addOption(dbOption())
    .option('--json', 'JSON events on stdout, ending with finished and the report path')
    .action(async (ref: string, opts) => {
      const { runEvaluateJob } = await import('../evaluate-job.js');
      const store = openDb(opts.db);
      try {
        const result = await runEvaluateJob({
          store, runRef: ref, scale: opts.scale as Scale, checkpointPath: opts.checkpoint ?? null, dataPath: opts.data ?? null,
          seed: opts.seed, cwd: process.cwd(), sections: opts.only ? String(opts.only).split(',').map((x: string) => x.trim()) : undefined,
          budget: opts.episodes ? { episodes: opts.episodes } : undefined,
          guidanceScale: opts.guidanceScale,
          onEvent: opts.json ? (e) => process.stdout.write(JSON.stringify(e) + '\n') : (e) => {
            if (e.event === 'evaluation') process.stderr.write(`evaluated ${e.section} (${e.seconds.toFixed(1)} s)\n`);
          },
        });
        if (result.checkpointNote) process.stderr.write(`flowbench: ${result.checkpointNote}\n`);
        if (result.finished.status !== 'completed') {
          process.stderr.write(`flowbench: evaluation failed: ${result.finished.reason ?? 'unknown reason'}\n`);
          process.exitCode = EXIT_FAILED;
        } else if (opts.json) {
          process.stdout.write(JSON.stringify({ event: 'report', run_id: result.runId, report_path: result.reportPath, quality_rows: result.qualityRows }) + '\n');
        } else {
          const { markdownReport } = await import('../evaluate-report.js');
          process.stdout.write(markdownReport(result.report) + `\nreport: ${result.reportPath}\n`);
        }
      } finally {
        store.close();
      }
    });
  program
    .command('pipeline')
    .description('Pretrain → few-shot: stage 1 flow pretraining, stage 2 prototypical fine-tuning from its checkpoint (linked runs)')
    .requiredOption('--config <file>', 'pipeline YAML (see configs/pipeline_pretrain_fewshot.yaml)')
    .addOption(new Option('--scale <scale>', 'quick | medium | full').choices(['quick', 'medium', 'full']))
    .option('--data <path>', 'dataset folder (with LABELS.csv)')
    .option('--set <key=value>', 'override a stage-1 config key (repeatable)', collect, [])
    .option('--seed <n>', 'random seed', parseInteger('--seed'))
    .addOption(dbOption())
    .option('--workdir <dir>', 'folder for run folders (default: $FLOWBENCH_HOME/runs)')
    .option('--json', 'JSON events on stdout')
    .action(async (opts) => {
      const { runPipelineJob } = await import('../pipeline-job.js');
      const store = openDb(opts.db);
      try {
        const result = await runPipelineJob({
          store, configPath: path.resolve(opts.config), scale: (opts.scale as Scale | undefined) ?? null, data: opts.data ?? null,
          sets: opts.set, seed: opts.seed ?? null, cwd: process.cwd(), workdir: path.resolve(opts.workdir ?? defaultRunsDir(defaultHome())),
          onEvent: opts.json ? (e) => process.stdout.write(JSON.stringify(e) + '\n') : undefined,
          log: opts.json ? () => {} : (line) => process.stderr.write(line + '\n'),
        });
        if (opts.json) process.stdout.write(JSON.stringify({ event: 'pipeline', ...result.summary }) + '\n');
        else process.stdout.write(result.text);
        process.exitCode = result.ok ? 0 : EXIT_FAILED;
      } finally {
        store.close();
      }
    });
}
