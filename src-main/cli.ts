/**
 * The headless entry: `flowbench train | runs | show | sample | data inspect`.
 * Composition root for the CLI: it opens the store, loads configs and starts engine jobs;
 * the pieces themselves live in host/, config/, data/ and store/.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import path from 'node:path';
import { ConfigError, loadRunSpec } from './config/index.js';
import type { Scale } from './config/schema.js';
import { DataError, inspectPath } from './data/index.js';
import { defaultDbPath, defaultHome, defaultRunsDir } from './host/paths.js';
import { formatInspectReport } from './host/inspect-report.js';
import { formatRunDetail, formatRunList, listRuns, showRun } from './host/run-report.js';
import { runSampleJob } from './host/sample-job.js';
import { createProgressView, pickProgressMode } from './host/terminal-progress.js';
import { runTrainJob, type TrainJobResult } from './host/train-job.js';
import { ResumeError, runResumeJob } from './host/resume-job.js';
import { FaultSpecError, parseFaults } from './engine/faults.js';
import { formatTrainSummary } from './host/train-summary.js';
import { openStore, type Store } from './store/index.js';
import { createJobManager } from './host/job-manager.js';
import { ensureRendererBuilt } from './host/renderer-build.js';
import { startServer } from './host/serve.js';

/** Exit codes: 0 success, 1 the job failed or was stopped, 2 bad input (usage, config, data). */
const EXIT_FAILED = 1;
const EXIT_BAD_INPUT = 2;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseInteger(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`${name} must be an integer.`);
    return Number(value);
  };
}

function openDb(dbOption: string | undefined): Store {
  return openStore(path.resolve(dbOption ?? defaultDbPath()));
}

function parseNumber(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`${name} must be a number.`);
    return n;
  };
}

const dbOption = () => new Option('--db <file>', 'SQLite database (default: $FLOWBENCH_HOME/flowbench.sqlite)');

export function buildProgram(): Command {
  const program = new Command('flowbench')
    .description('Rectified-flow pretraining workbench for industrial vibration signals')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('train')
    .description('Pretrain a rectified-flow model; records the run in the database')
    .option('--config <file>', 'YAML run config (see configs/)')
    .addOption(new Option('--scale <scale>', 'quick | medium | full').choices(['quick', 'medium', 'full']))
    .option('--data <path>', 'dataset folder (with LABELS.csv), manifest CSV or a single signal file')
    .addOption(dbOption())
    .option('--workdir <dir>', 'folder for run folders (default: $FLOWBENCH_HOME/runs)')
    .option('--set <key=value>', 'override a config key (repeatable), e.g. --set task.lr=3e-4', collect, [])
    .option('--seed <n>', 'random seed', parseInteger('--seed'))
    .option('--json', 'one JSON event per line on stdout instead of a progress bar')
    .action(async (opts) => {
      parseFaults(process.env.FLOWBENCH_FAULTS); // a typo in a test's faults is bad input, not a failed run
      const cwd = process.cwd();
      const { spec, warnings } = loadRunSpec({
        configPath: opts.config ?? null,
        scale: (opts.scale as Scale | undefined) ?? null,
        data: opts.data ?? null,
        sets: opts.set,
        seed: opts.seed ?? null,
        cwd,
      });
      for (const w of warnings) process.stderr.write(`warning: ${w.message}\n`);
      const store = openDb(opts.db);
      const workdir = path.resolve(opts.workdir ?? defaultRunsDir(defaultHome()));
      const view = createProgressView(pickProgressMode(Boolean(opts.json)));
      let interrupts = 0;
      let stopEngine: ((reason: string) => void) | null = null;
      let killEngine: (() => void) | null = null;
      const onSigint = () => {
        interrupts += 1;
        if (interrupts === 1) {
          process.stderr.write('\nstopping after the current step (Ctrl-C again to kill)…\n');
          stopEngine?.('interrupted by user');
        } else killEngine?.();
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await runTrainJob({
          store,
          spec,
          workdir,
          cwd,
          onEvent: (e) => view.onEvent(e),
          onStart: (handle) => {
            stopEngine = (reason) => handle.requestStop(reason);
            killEngine = () => handle.kill();
          },
        });
        view.close();
        if (!opts.json) process.stdout.write(formatTrainSummary(store, result));
        process.exitCode = result.finished.status === 'completed' ? 0 : EXIT_FAILED;
      } finally {
        process.off('SIGINT', onSigint);
        view.close();
        store.close();
      }
    });

  program
    .command('resume')
    .description('Continue a run (same id) from its last verified stable checkpoint')
    .argument('<run>', "run id, a unique prefix of one, or 'last'")
    .addOption(dbOption())
    .option('--workdir <dir>', 'refuse unless the run folder lies inside this folder')
    .option('--json', 'one JSON event per line on stdout instead of a progress bar')
    .action(async (ref: string, opts) => {
      parseFaults(process.env.FLOWBENCH_FAULTS);
      const store = openDb(opts.db);
      const view = createProgressView(pickProgressMode(Boolean(opts.json)));
      let stopEngine: ((reason: string) => void) | null = null;
      const onSigint = () => stopEngine?.('interrupted by user');
      process.on('SIGINT', onSigint);
      try {
        const result: TrainJobResult = await runResumeJob({
          store,
          runRef: ref,
          workdir: opts.workdir ? path.resolve(opts.workdir) : null,
          onEvent: (e) => view.onEvent(e),
          onStart: (handle) => {
            stopEngine = (reason) => handle.requestStop(reason);
          },
        });
        view.close();
        if (!opts.json) process.stdout.write(formatTrainSummary(store, result));
        process.exitCode = result.finished.status === 'completed' ? 0 : EXIT_FAILED;
      } finally {
        process.off('SIGINT', onSigint);
        view.close();
        store.close();
      }
    });

  program
    .command('runs')
    .description('List recorded runs, newest first')
    .addOption(dbOption())
    .option('--limit <n>', 'how many', parseInteger('--limit'), 50)
    .option('--json', 'JSON array')
    .action((opts) => {
      const store = openDb(opts.db);
      try {
        const items = listRuns(store, opts.limit);
        process.stdout.write(opts.json ? JSON.stringify(items, null, 2) + '\n' : formatRunList(items));
      } finally {
        store.close();
      }
    });

  program
    .command('show')
    .description('Show one run: config, metrics, epochs, events, checkpoints')
    .argument('<run>', "run id, a unique prefix of one, or 'last'")
    .addOption(dbOption())
    .option('--json', 'JSON object')
    .action((ref: string, opts) => {
      const store = openDb(opts.db);
      try {
        const detail = showRun(store, ref);
        process.stdout.write(opts.json ? JSON.stringify(detail, null, 2) + '\n' : formatRunDetail(detail));
      } finally {
        store.close();
      }
    });

  program
    .command('sample')
    .description("Generate windows from a run's checkpoint into a .csv or .h5 file")
    .argument('<run>', "run id, a unique prefix of one, or 'last'")
    .requiredOption('--count <n>', 'number of windows', parseInteger('--count'))
    .requiredOption('--out <file>', 'output file (.csv or .h5)')
    .option('--seed <n>', 'random seed', parseInteger('--seed'), 0)
    .option('--domain <name>', 'condition on this domain (default: unconditional)')
    .option('--label <name>', 'condition on this class (needs "label" in model.conditions)')
    .option('--fs-hz <hz>', 'condition on this sample rate (needs "sample_rate" in model.conditions)', parseNumber('--fs-hz'))
    .option('--guidance-scale <w>', 'classifier-free guidance scale (default: the run\'s model.guidance_scale)', parseNumber('--guidance-scale'))
    .addOption(new Option('--sampler <name>', 'ODE solver (default: the run\'s model.sampler)').choices(['euler', 'heun', 'rk4']))
    .option('--sample-steps <n>', 'solver steps (default: the run\'s model.sample_steps)', parseInteger('--sample-steps'))
    .option('--no-ema', 'use the raw weights even when the checkpoint has EMA weights')
    .addOption(dbOption())
    .option('--json', 'JSON events on stdout')
    .action(async (ref: string, opts) => {
      const store = openDb(opts.db);
      try {
        const result = await runSampleJob({
          store,
          runRef: ref,
          count: opts.count,
          outPath: opts.out,
          seed: opts.seed,
          domain: opts.domain ?? null,
          conditioning: {
            label: opts.label ?? null,
            fs_hz: opts.fsHz ?? null,
            ...(opts.guidanceScale !== undefined ? { guidance_scale: opts.guidanceScale } : {}),
            ...(opts.sampler ? { sampler: opts.sampler } : {}),
            ...(opts.sampleSteps !== undefined ? { sample_steps: opts.sampleSteps } : {}),
            use_ema: opts.ema !== false,
          },
          onEvent: opts.json ? (e) => process.stdout.write(JSON.stringify(e) + '\n') : undefined,
        });
        if (result.finished.status !== 'completed') {
          process.stderr.write(`flowbench: sampling failed: ${result.finished.reason ?? 'unknown reason'}\n`);
          process.exitCode = EXIT_FAILED;
        } else if (!opts.json && result.sampled) {
          const s = result.sampled;
          process.stdout.write(
            `wrote ${s.count} windows × ${s.window_length} samples × ${s.channels} channel(s) to ${s.out_path} ` +
              `(from ${result.checkpointPath}, ${s.seconds.toFixed(1)} s)\n`,
          );
        }
      } finally {
        store.close();
      }
    });

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
    .addOption(dbOption())
    .option('--json', 'JSON events on stdout, ending with finished and the report path')
    .action(async (ref: string, opts) => {
      const { runEvaluateJob } = await import('./host/evaluate-job.js');
      const store = openDb(opts.db);
      try {
        const result = await runEvaluateJob({
          store, runRef: ref, scale: opts.scale as Scale, checkpointPath: opts.checkpoint ?? null, dataPath: opts.data ?? null,
          seed: opts.seed, cwd: process.cwd(), sections: opts.only ? String(opts.only).split(',').map((x: string) => x.trim()) : undefined,
          budget: opts.episodes ? { episodes: opts.episodes } : undefined,
          onEvent: opts.json ? (e) => process.stdout.write(JSON.stringify(e) + '\n') : (e) => {
            if (e.event === 'evaluation') process.stderr.write(`evaluated ${e.section} (${e.seconds.toFixed(1)} s)\n`);
          },
        });
        if (result.finished.status !== 'completed') {
          process.stderr.write(`flowbench: evaluation failed: ${result.finished.reason ?? 'unknown reason'}\n`);
          process.exitCode = EXIT_FAILED;
        } else if (opts.json) {
          process.stdout.write(JSON.stringify({ event: 'report', run_id: result.runId, report_path: result.reportPath, quality_rows: result.qualityRows }) + '\n');
        } else {
          const { markdownReport } = await import('./host/evaluate-report.js');
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
      const { runPipelineJob } = await import('./host/pipeline-job.js');
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

  program
    .command('serve')
    .description('Browser host mode: the desktop app\'s UI and API on 127.0.0.1, guarded by a random token')
    .option('--port <n>', 'port (0 picks a free one)', parseInteger('--port'), 0)
    .addOption(dbOption())
    .option('--workdir <dir>', 'folder for run folders (default: $FLOWBENCH_HOME/runs)')
    .option('--json', 'print {"url","port","token"} as one JSON line')
    .action(async (opts) => {
      if (opts.port < 0 || opts.port > 65535) throw new InvalidArgumentError(`--port must be 0..65535, got ${opts.port}`);
      const rendererDir = await ensureRendererBuilt();
      const store = openDb(opts.db);
      const jobs = createJobManager({ store, workdir: path.resolve(opts.workdir ?? defaultRunsDir(defaultHome())), cwd: process.cwd() });
      const server = await startServer({ store, jobs, port: opts.port, host: '127.0.0.1', rendererDir, cwd: process.cwd() });
      process.stdout.write(
        opts.json
          ? JSON.stringify({ url: server.url, port: server.port, token: server.token }) + '\n'
          : `Flowbench is serving on 127.0.0.1 only. Open:\n  ${server.url}\n(Ctrl-C stops the server and any run it started.)\n`,
      );
      await new Promise<void>((resolve) => {
        let closing = false;
        const shutdown = async () => {
          if (closing) return;
          closing = true;
          await jobs.close();
          await server.close();
          store.close();
          resolve();
        };
        process.once('SIGINT', () => void shutdown());
        process.once('SIGTERM', () => void shutdown());
      });
    });

  const data = program.command('data').description('Look at datasets and signal files');
  data
    .command('inspect')
    .description('Channels, sample rate, length, per-channel statistics, classes and domains')
    .argument('<path>', 'a signal file (.mat, .h5, .csv) or a dataset folder / manifest')
    .option('--signal-key <key>', 'variable or column (or a suffix of one, e.g. _DE_time)')
    .option('--json', 'JSON object')
    .action(async (target: string, opts) => {
      const report = await inspectPath(path.resolve(target), { signalKey: opts.signalKey ?? null });
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatInspectReport(report));
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are not errors; commander already printed the message
      return err.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (err instanceof ConfigError || err instanceof DataError || err instanceof ResumeError || err instanceof FaultSpecError) {
      process.stderr.write(`flowbench: ${err.message}\n`);
      return EXIT_BAD_INPUT;
    }
    process.stderr.write(`flowbench: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.FLOWBENCH_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return EXIT_FAILED;
  }
}

process.exitCode = await main(process.argv.slice(2));
