/**
 * `train` and `resume`: start a run, or continue one from its last stable checkpoint.
 */
import { type Command, Option } from 'commander';
import path from 'node:path';
import { loadRunSpec } from '../../config/index.js';
import { ENGINE_BACKENDS, type Scale } from '../../config/schema.js';
import { SCALES } from '../../config/enums.js';
import { defaultHome, defaultRunsDir } from '../paths.js';
import { createProgressView, pickProgressMode } from '../train/terminal-progress.js';
import { runTrainJob, type TrainJobResult } from '../train/train-job.js';
import { runResumeJob } from '../train/resume-job.js';
import { parseFaultSpec } from '../../engine/protocol/index.js';
import { formatTrainSummary } from '../train/train-summary.js';
import { collect, parseInteger, openDb, dbOption, EXIT_BAD_INPUT, EXIT_FAILED } from './options.js';

export function registerTrainCommands(program: Command): void {
  program
    .command('train')
    .description('Pretrain a rectified-flow model; records the run in the database')
    .option('--config <file>', 'YAML run config (see configs/)')
    .addOption(new Option('--scale <scale>', SCALES.join(' | ')).choices(SCALES))
    .option('--data <path>', 'dataset folder (with LABELS.csv), manifest CSV or a single signal file; repeat it to train on several data sources; PATH::SIGNAL_KEY names that source’s signal variable (e.g. ../cwru::_FE_time)', collect, [])
    .addOption(dbOption())
    .option('--workdir <dir>', 'folder for run folders (default: $FLOWBENCH_HOME/runs)')
    .option('--set <key=value>', 'override a config key (repeatable), e.g. --set task.lr=3e-4', collect, [])
    .option('--seed <n>', 'random seed', parseInteger('--seed'))
    .addOption(new Option('--backend <engine>', 'force a compute engine (= --set engine.backend=…; default auto)').choices([...ENGINE_BACKENDS]))
    .option('--json', 'one JSON event per line on stdout instead of a progress bar')
    .action(async (opts) => {
      parseFaultSpec(process.env.FLOWBENCH_FAULTS); // a typo in a test's faults is bad input, not a failed run
      const cwd = process.cwd();
      const { spec, warnings } = loadRunSpec({
        configPath: opts.config ?? null,
        scale: (opts.scale as Scale | undefined) ?? null,
        data: opts.data.length > 0 ? opts.data : null,
        sets: opts.backend ? [...opts.set, `engine.backend=${opts.backend}`] : opts.set,
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
        process.exitCode = exitCodeOf(result);
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
      parseFaultSpec(process.env.FLOWBENCH_FAULTS);
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
        process.exitCode = exitCodeOf(result);
      } finally {
        process.off('SIGINT', onSigint);
        view.close();
        store.close();
      }
    });
}

/** 0 completed; 2 when the engine found bad input (a data error the host's checks could not see); else 1. */
function exitCodeOf(result: TrainJobResult): number {
  if (result.finished.status === 'completed') return 0;
  return result.finished.bad_input ? EXIT_BAD_INPUT : EXIT_FAILED;
}
