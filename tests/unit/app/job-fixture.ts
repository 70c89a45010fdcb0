/**
 * A real job manager on a real SQLite file in a fresh FLOWBENCH_HOME-like folder, for the
 * tests that start engine processes through it.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { createJobManager, type JobManager } from '../../../src-main/host/app/job-manager.js';
import { openStore, type Store } from '../../../src-main/store/index.js';
import { tempHome } from '../../support/cli.js';

export interface JobFixture {
  home: string;
  store: Store;
  jobs: JobManager;
}

export function openJobFixture(prefix: string): JobFixture {
  const home = tempHome(prefix);
  const store = openStore(path.join(home, 'db.sqlite'));
  const jobs = createJobManager({ store, workdir: path.join(home, 'runs'), cwd: process.cwd() });
  return { home, store, jobs };
}

/** Stops every job, closes the store and removes the folder. */
export async function closeJobFixture(fx: JobFixture): Promise<void> {
  await fx.jobs.close();
  fx.store.close();
  rmSync(fx.home, { recursive: true, force: true });
}
