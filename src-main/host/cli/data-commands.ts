/**
 * `data inspect`: look at a signal file or dataset.
 */
import { Option, type Command } from 'commander';
import path from 'node:path';
import { inspectPath } from '../../data/index.js';
import { DATA_LAYOUTS } from '../../config/enums.js';
import { formatInspectReport } from '../datasets/inspect-report.js';

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('Look at datasets and signal files');
  data
    .command('inspect')
    .description('Channels, sample rate, length, per-channel statistics, classes and domains')
    .argument('<path>', 'a signal file (.mat, .h5, .csv) or a dataset folder / manifest')
    .option('--signal-key <key>', 'variable or column (or a suffix of one, e.g. _DE_time)')
    .addOption(new Option('--layout <layout>', 'how a dataset folder is read (data.layout)').choices(DATA_LAYOUTS).default('auto'))
    .option('--json', 'JSON object')
    .action(async (target: string, opts) => {
      const report = await inspectPath(path.resolve(target), { signalKey: opts.signalKey ?? null, layout: opts.layout });
      process.stdout.write(opts.json ? JSON.stringify(report, null, 2) + '\n' : formatInspectReport(report));
    });
}
