/**
 * The CI fuzz suite (issue 14): seeded random input at the real parts, under a minute.
 * Files (mutated MAT v5 / v7 / HDF5 / CSV) through the readers; random payloads to every
 * API handler; random URLs and WebSocket frames at a running `serve`. Configs are fuzzed
 * by config-fuzz.test.ts. `node --import tsx scripts/fuzz.ts` runs the same campaigns longer.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandlers } from '../../../src-main/host/app/api-handlers.js';
import { createJobManager, type JobManager } from '../../../src-main/host/app/job-manager.js';
import { startServer, type ServeHandle } from '../../../src-main/host/app/serve.js';
import { openStore, type Store } from '../../../src-main/store/index.js';
import { tempHome } from '../../support/cli.js';
import { fileSeeds, fuzzApi, fuzzFiles, fuzzServe } from '../../support/fuzz.js';

const SEED = Number(process.env.FLOWBENCH_FUZZ_SEED ?? 14);
const home = tempHome('flowbench-fuzz-');
let store: Store;
let jobs: JobManager;
let server: ServeHandle;

beforeAll(async () => {
  store = openStore(path.join(home, 'db.sqlite'));
  const renderer = path.join(home, 'renderer');
  mkdirSync(path.join(renderer, 'assets'), { recursive: true });
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Flowbench</title>');
  writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  jobs = createJobManager({ store, workdir: path.join(home, 'runs'), cwd: home });
  server = await startServer({ store, jobs, port: 0, host: '127.0.0.1', rendererDir: renderer, cwd: home, dataRoots: [home], log: () => undefined });
});

afterAll(async () => {
  await jobs.close();
  await server.close();
  store.close();
  rmSync(home, { recursive: true, force: true });
});

describe('fuzz (CI size)', () => {
  it('mutated signal files: every read succeeds or is a DataError naming the file', async () => {
    const result = await fuzzFiles(await fileSeeds(path.join(home, 'seeds'), 400), 400, SEED, path.join(home, 'files'));
    console.log(`fuzz files: ${JSON.stringify(result.outcomes)}, slowest ${result.slowestMs.toFixed(0)} ms`);
    expect(result.failures).toEqual([]);
    expect(result.outcomes.DataError).toBeGreaterThan(50);
  }, 60_000);

  it('random API payloads: each call resolves or rejects with an Error; no prototype is polluted', async () => {
    const result = await fuzzApi(createApiHandlers(store, { cwd: home, dataRoots: [home] }), 400, SEED);
    console.log(`fuzz api: ${JSON.stringify(result.outcomes)}, slowest ${result.slowestMs.toFixed(0)} ms`);
    expect(result.failures).toEqual([]);
    expect(result.outcomes.rejected).toBeGreaterThan(100);
  }, 60_000);

  it('random URLs and WebSocket frames: 4xx or a close code each, and serve still answers', async () => {
    const result = await fuzzServe(server.port, server.token, 160, SEED);
    console.log(`fuzz serve: ${JSON.stringify(result.outcomes)}, slowest ${result.slowestMs.toFixed(0)} ms`);
    expect(result.failures).toEqual([]);
  }, 60_000);
});
