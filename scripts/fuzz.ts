/**
 * The long fuzz run for release checks: the CI fuzz suite's campaigns (tests/support/fuzz.ts)
 * with large counts and a chosen seed, plus the config fuzz in CI's test. Exits 1 on any failure.
 *
 *   node --import tsx scripts/fuzz.ts [--runs 20000] [--seed 1]
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiHandlers } from '../src-main/host/app/api-handlers.js';
import { createJobManager } from '../src-main/host/app/job-manager.js';
import { startServer } from '../src-main/host/app/serve.js';
import { openStore } from '../src-main/store/index.js';
import { fileSeeds, fuzzApi, fuzzFiles, fuzzServe, type CampaignResult } from '../tests/support/fuzz.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`fuzz: --${name} must be a positive integer\n`);
    process.exit(2);
  }
  return v;
}

const runs = arg('runs', 20_000);
const seed = arg('seed', 1);
const home = mkdtempSync(path.join(tmpdir(), 'flowbench-fuzz-'));
let failed = false;

function report(name: string, r: CampaignResult): void {
  process.stdout.write(`${name}: ${r.runs} runs ${JSON.stringify(r.outcomes)} slowest ${r.slowestMs.toFixed(0)} ms, ${r.failures.length} failures\n`);
  for (const f of r.failures.slice(0, 20)) process.stdout.write(`  ${f}\n`);
  if (r.failures.length) failed = true;
}

try {
  const seeds = await fileSeeds(path.join(home, 'seeds'), 2000);
  report('files', await fuzzFiles(seeds, runs, seed, path.join(home, 'files')));

  const store = openStore(path.join(home, 'db.sqlite'));
  report('api', await fuzzApi(createApiHandlers(store, { cwd: home, dataRoots: [home] }), runs, seed));

  const renderer = path.join(home, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Flowbench</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  const jobs = createJobManager({ store, workdir: path.join(home, 'runs'), cwd: home });
  const server = await startServer({ store, jobs, port: 0, host: '127.0.0.1', rendererDir: renderer, cwd: home, dataRoots: [home], log: () => undefined });
  report('serve', await fuzzServe(server.port, server.token, Math.max(1, Math.floor(runs / 10)), seed));
  await jobs.close();
  await server.close();
  store.close();
} finally {
  rmSync(home, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
