/**
 * `serve`: browser host mode (the desktop app's UI and API on 127.0.0.1).
 */
import { type Command, InvalidArgumentError } from 'commander';
import path from 'node:path';
import { defaultHome, defaultRunsDir } from '../paths.js';
import { createJobManager } from '../app/job-manager.js';
import { ensureRendererBuilt } from '../app/renderer-build.js';
import { startServer } from '../app/serve.js';
import { parseInteger, openDb, dbOption } from './options.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Browser host mode: the desktop app\'s UI and API on 127.0.0.1, guarded by a random token')
    .option('--port <n>', 'port (0 picks a free one)', parseInteger('--port'), 0)
    .addOption(dbOption())
    .option('--workdir <dir>', 'folder for run folders (default: $FLOWBENCH_HOME/runs)')
    .option('--data-root <dir...>', 'folders the UI may read data from (default: the current folder)')
    .option('--json', 'print {"url","port","token"} as one JSON line')
    .action(async (opts) => {
      if (opts.port < 0 || opts.port > 65535) throw new InvalidArgumentError(`--port must be 0..65535, got ${opts.port}`);
      const rendererDir = await ensureRendererBuilt();
      const store = openDb(opts.db);
      const jobs = createJobManager({ store, workdir: path.resolve(opts.workdir ?? defaultRunsDir(defaultHome())), cwd: process.cwd() });
      const dataRoots = ((opts.dataRoot as string[] | undefined) ?? [process.cwd()]).map((d) => path.resolve(d));
      const server = await startServer({ store, jobs, port: opts.port, host: '127.0.0.1', rendererDir, cwd: process.cwd(), dataRoots });
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
}
