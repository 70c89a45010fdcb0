/**
 * `runs` and `show`: the run history.
 */
import type { Command } from 'commander';
import { formatRunDetail, formatRunList, listRuns, showRun } from '../runs/run-report.js';
import { formatSeedGroups, groupRunsBySeed } from '../evaluate/seed-summary.js';
import { parseInteger, openDb, dbOption } from './options.js';

export function registerHistoryCommands(program: Command): void {
  program
    .command('runs')
    .description('List recorded runs, newest first (archived ones with --all)')
    .addOption(dbOption())
    .option('--limit <n>', 'how many', parseInteger('--limit'), 50)
    .option('--all', 'include archived runs')
    .option('--json', 'JSON array')
    .option('--group-seeds', 'group runs that differ only in environment.seed (same config and data): mean ± std of their last losses')
    .action((opts) => {
      const store = openDb(opts.db);
      try {
        const items = listRuns(store, opts.limit, Boolean(opts.all));
        if (opts.groupSeeds) {
          const groups = groupRunsBySeed(items.map((it) => {
            const run = store.runs.get(it.id)!;
            return { ...it, config: run.config, seed: run.seed };
          }));
          process.stdout.write(opts.json ? JSON.stringify(groups, null, 2) + '\n' : formatSeedGroups(groups));
          return;
        }
        process.stdout.write(opts.json ? JSON.stringify(items, null, 2) + '\n' : formatRunList(items));
      } finally {
        store.close();
      }
    });
  program
    .command('show')
    .description('Show one run: config, metrics, epochs, events, checkpoints')
    .argument('<run>', "run id, a unique prefix of one, or 'last' (the newest run not archived)")
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
}
