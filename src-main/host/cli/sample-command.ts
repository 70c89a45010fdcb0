/**
 * `sample`: generate windows from a run's checkpoint.
 */
import { type Command, Option } from 'commander';
import { runSampleJob } from '../sample/sample-job.js';
import { parseInteger, parseNumber, openDb, dbOption, EXIT_BAD_INPUT, EXIT_FAILED } from './options.js';

export function registerSampleCommand(program: Command): void {
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
        if (result.checkpointNote) process.stderr.write(`flowbench: ${result.checkpointNote}\n`);
        if (result.finished.status !== 'completed') {
          // A request the checkpoint cannot serve (unknown label, unconditioned rate…) is bad input, as in train.
          const bad = result.finished.bad_input === true;
          process.stderr.write(`flowbench: ${bad ? '' : 'sampling failed: '}${result.finished.reason ?? 'unknown reason'}\n`);
          process.exitCode = bad ? EXIT_BAD_INPUT : EXIT_FAILED;
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
}
