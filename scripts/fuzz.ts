/**
 * The long fuzz run for release checks: the CI fuzz suite's campaigns (tests/support/fuzz.ts)
 * with large counts and a chosen seed, plus the config fuzz in CI's test. Exits 1 on any failure.
 *
 *   node --import tsx scripts/fuzz.ts [--runs 20000] [--seed 1]
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { createApiHandlers } from '../src-main/host/api-handlers.js';
import { createJobManager } from '../src-main/host/job-manager.js';
import { startServer } from '../src-main/host/serve.js';
import { openStore } from '../src-main/store/index.js';
import { fuzzApi, fuzzFiles, fuzzServe, type CampaignResult } from '../tests/support/fuzz.js';
import { writeMatV5 } from '../tests/unit/data/readers/mat-v5-writer.js';

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
  const wave = Array.from({ length: 2000 }, (_, i) => Math.sin(i / 5));
  await h5wasm.ready;
  const h5 = path.join(home, 'seed.h5');
  const f = new h5wasm.File(h5, 'w');
  f.create_dataset({ name: 'x', data: new Float32Array(wave), shape: [1000, 2] });
  f.close();
  const seeds = [
    { name: 'plain.mat', bytes: writeMatV5([{ name: 'sig', values: wave }, { name: 'fs', values: [12000] }]) },
    { name: 'zipped.mat', bytes: writeMatV5([{ name: 'sig', values: wave, storage: 'int16' }], { compress: true }) },
    { name: 'two.mat', bytes: writeMatV5([{ name: 'a', values: wave, dims: [1000, 2] }, { name: 's', className: 'struct', dims: [1, 1] }]) },
    { name: 'seed.h5', bytes: readFileSync(h5) },
    { name: 'seed.csv', bytes: Buffer.from(`# fs: 12000\nx,y\n${wave.map((v, i) => `${v},${i}`).join('\n')}\n`) },
    // SciPy-written structs (nested, a struct array, a cell) and a CSV with a time-stamp column.
    { name: 'struct.mat', bytes: readFileSync(path.join(path.resolve(import.meta.dirname, '../tests/fixtures/data/mat-structs'), 'no_signal.mat')) },
    { name: 'nested.mat', bytes: readFileSync(path.join(path.resolve(import.meta.dirname, '../tests/fixtures/data/mat-structs'), 'struct_nested.mat')) },
    { name: 'stamped.csv', bytes: Buffer.from(`time,DE\n${wave.slice(0, 200).map((v, i) => `2024-03-01 12:00:${(i / 100).toFixed(2)},${v}`).join('\n')}\n`) },
  ];
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
