/**
 * How fast the CLI answers: `--help`, `runs` and `show last`, each started as a fresh
 * process, from the bundle (out/cli/, what bin/flowbench.js runs) and from the TypeScript
 * sources under tsx (FLOWBENCH_CLI_FROM_SOURCES=1, the old start). Medians and minima over
 * --rounds. A benchmark, not a test: the target (under 1 s on a quiet machine) depends on
 * the machine and its load, which the report prints beside the figures.
 *
 *   npm run bench:startup                  (seeds a home with one 1-epoch run first)
 *   npm run bench:startup -- --rounds 9 --home ~/.flowbench --json
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCliBundle } from './cli-bundle.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'flowbench.js');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const rounds = Number(option('--rounds', '5'));
const json = process.argv.includes('--json');
const givenHome = option('--home', null);

const home = givenHome ?? mkdtempSync(path.join(tmpdir(), 'flowbench-startup-'));
const env = { ...process.env, FLOWBENCH_HOME: home };
await buildCliBundle();
if (!givenHome) {
  process.stderr.write('seeding one 1-epoch run…\n');
  execFileSync(process.execPath, [bin, 'train', '--config', 'configs/flow_pretrain_reference_mlp.yaml', '--scale', 'quick', '--set', 'task.epochs=1', '--json'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

function timeOnce(args, extraEnv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: root, env: { ...env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`flowbench ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = [];
for (const [mode, extraEnv] of [['bundle', {}], ['tsx', { FLOWBENCH_CLI_FROM_SOURCES: '1' }]]) {
  for (const args of [['--help'], ['runs'], ['show', 'last']]) {
    const times = [];
    for (let i = 0; i < rounds; i++) times.push(timeOnce(args, extraEnv));
    results.push({ mode, command: `flowbench ${args.join(' ')}`, median_ms: Math.round(median(times)), min_ms: Math.round(Math.min(...times)), rounds });
  }
}
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model ?? '?', loadavg_1m: Number(loadavg()[0].toFixed(2)), node: process.version };
if (json) process.stdout.write(JSON.stringify({ machine, results }, null, 2) + '\n');
else {
  process.stdout.write(`${machine.cpus} × ${machine.cpu}, load ${machine.loadavg_1m}, node ${machine.node}\n`);
  for (const r of results) process.stdout.write(`${r.mode.padEnd(7)} ${r.command.padEnd(22)} median ${String(r.median_ms).padStart(6)} ms   min ${String(r.min_ms).padStart(6)} ms\n`);
}
if (!givenHome) rmSync(home, { recursive: true, force: true });
