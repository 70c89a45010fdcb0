/**
 * Bad data and bad configs through the real CLI (issue 14): every case exits 2 with a
 * message naming the file or key and what is valid, prints no stack trace, suggests no
 * `flowbench sample`, and records nothing. Before the fix 32 of 40 such runs exited 1,
 * recorded a failed run and printed a Node stack trace; the hostile files took gigabytes.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadRunSpec } from '../../src-main/config/index.js';
import { DataError } from '../../src-main/data/index.js';
import { runTrainJob } from '../../src-main/host/train/train-job.js';
import { openStore } from '../../src-main/store/index.js';
import { writeMatV5 } from '../unit/data/readers/mat-v5-writer.js';
import { runCli, runCount, tempHome } from '../support/cli.js';

const home = tempHome('flowbench-bad-data-');
const root = path.join(home, 'inputs');


const sine = (n: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(i / 7));

/** A dataset folder holding one recording `name` with these bytes (and a manifest row for it). */
function dataset(dir: string, name: string, bytes: Uint8Array | string, extra = ''): string {
  const d = path.join(root, dir);
  mkdirSync(d, { recursive: true });
  writeFileSync(path.join(d, name), bytes);
  writeFileSync(path.join(d, 'LABELS.csv'), `path,label,domain,fs_hz${extra ? ',signal_key' : ''}\n${name},normal,d0,12000${extra ? `,${extra}` : ''}\n`);
  return d;
}

afterAll(() => rmSync(home, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  await h5wasm.ready;
  // A chunked dataset that claims 8 Gi values in a file of a few kB.
  const huge = new h5wasm.File(path.join(root, 'huge.h5'), 'w');
  huge.create_dataset({ name: 'x', data: new Float32Array(1024), shape: [1024], maxshape: [null], chunks: [1024] }).resize([2 ** 33]);
  huge.close();
  const ok = new h5wasm.File(path.join(root, 'ok.h5'), 'w');
  ok.create_dataset({ name: 'x', data: new Float32Array(sine(50_000)) });
  ok.close();
});

type Case = { name: string; make: () => string[]; expect: RegExp[] };

const good = () => writeMatV5([{ name: 'sig', values: sine(20_000) }]);

const cases: Case[] = [
  { name: 'random bytes as .mat', make: () => ['--data', dataset('rand', 'r.mat', Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251)))], expect: [/r\.mat: not a MATLAB MAT file/] },
  { name: 'truncated MAT', make: () => ['--data', dataset('trunc', 't.mat', good().subarray(0, 4000))], expect: [/t\.mat: truncated/] },
  {
    name: 'MAT v4',
    make: () => {
      const head = Buffer.alloc(20);
      [0, 3, 1, 0, 2].forEach((v, i) => head.writeInt32LE(v, 4 * i));
      return ['--data', dataset('v4', 'v4.mat', Buffer.concat([head, Buffer.from('x\0'), Buffer.alloc(24)]))];
    },
    expect: [/v4\.mat: .*v4 MAT files are not supported/],
  },
  { name: 'MAT with only a struct and a cell', make: () => ['--data', dataset('struct', 's.mat', writeMatV5([{ name: 'x', className: 'struct', dims: [1, 1] }, { name: 'c', className: 'cell', dims: [0, 0] }]))], expect: [/s\.mat: no numeric signal found.*holds: x \(struct 1×1\), c \(cell 0×0\)/] },
  { name: 'MAT with two candidate variables', make: () => ['--data', dataset('two', 'two.mat', writeMatV5([{ name: 'a', values: sine(5000) }, { name: 'b', values: sine(5000) }]))], expect: [/two\.mat: holds 2 signals .*data\.signal_key .*a, b/] },
  { name: 'a signal_key that does not exist', make: () => ['--data', dataset('key', 'k.mat', good(), 'nosuch')], expect: [/k\.mat/, /nosuch/, /sig/] },
  {
    name: 'zip bomb of many small compressed elements',
    make: () => ['--data', dataset('bomb', 'b.mat', writeMatV5(Array.from({ length: 40 }, (_, i) => ({ name: `z${i}`, values: new Array(1_000_000).fill(0) })), { compress: true }))],
    expect: [/b\.mat: .*past 256 MiB decompressed .*maxDecompressedMb/],
  },
  { name: 'truncated HDF5', make: () => ['--data', dataset('h5trunc', 'h.h5', readFileSync(path.join(root, 'ok.h5')).subarray(0, 3000))], expect: [/h\.h5: HDF5 library could not open the file \(truncated file: eof = 3000/] },
  {
    name: 'HDF5 whose chunked dataset claims 32 GiB',
    make: () => {
      const d = dataset('h5huge', 'placeholder.csv', 'x\n1\n');
      copyFileSync(path.join(root, 'huge.h5'), path.join(d, 'huge.h5'));
      writeFileSync(path.join(d, 'LABELS.csv'), 'path,label,domain,fs_hz\nhuge.h5,normal,d0,12000\n');
      return ['--data', d];
    },
    expect: [/huge\.h5: reading dataset 'x' \(8589934592 values\) .*maxDecompressedMb/],
  },
  { name: 'CSV: one line of 3 million columns', make: () => ['--data', dataset('wide', 'w.csv', '1,'.repeat(3_000_000) + '1\n')], expect: [/w\.csv: line 1 has \d+ characters; at most 1048576/] },
  { name: 'CSV: 5000 columns', make: () => ['--data', dataset('cols', 'c.csv', Array.from({ length: 3 }, () => '1,'.repeat(4999) + '1').join('\n'))], expect: [/c\.csv: line 1 has 5000 columns; at most 4096/] },
  {
    name: 'manifest fs_hz 1e-320',
    make: () => {
      const d = dataset('rate', 's.csv', `x\n${sine(5000).join('\n')}\n`);
      writeFileSync(path.join(d, 'LABELS.csv'), 'path,label,domain,fs_hz\ns.csv,normal,d0,1e-320\n');
      return ['--data', d];
    },
    expect: [/LABELS\.csv line 2, column 'fs_hz': '1e-320' is not a sample rate; expected a number of Hz from 1 to 10000000/],
  },
  { name: 'recordings too short for one window', make: () => ['--data', dataset('short', 's.csv', `x\n${sine(100).join('\n')}\n`)], expect: [/no training windows .*shortest recording 100 samples/, /data\.window_length/] },
  { name: 'synthetic fs_hz 1e-320', make: () => ['--set', 'data.synthetic.fs_hz=1e-320'], expect: [/data\.synthetic\.fs_hz/, /outside the accepted range 1–10000000 Hz/] },
  { name: 'patch size that does not divide the window', make: () => ['--set', 'model.velocity_net=dit', '--set', 'model.patch_size=48'], expect: [/model\.patch_size/, /48 does not divide data\.window_length 1024/] },
  { name: 'duplicate conditions', make: () => ['--set', 'model.conditions=[domain, domain]'], expect: [/model\.conditions\[1\]/, /'domain' is listed twice/] },
  { name: 'window of 2^20 samples', make: () => ['--set', `data.window_length=${2 ** 20}`], expect: [/model/, /needs about \d+ MiB to train .*maxModelMemoryMb/] },
  { name: 'DiT of depth 64 and width 4096', make: () => ['--set', 'model.velocity_net=dit', '--set', 'model.depth=64', '--set', 'model.token_dim=4096'], expect: [/needs about \d+ MiB to train \(\d+\.\d M parameters/] },
  {
    name: 'manifest rate_key naming no struct field',
    make: () => {
      const d = dataset('ratekey', 's.mat', readFileSync(path.resolve(__dirname, '../fixtures/data/mat-structs/struct_signal.mat')));
      writeFileSync(path.join(d, 'LABELS.csv'), 'path,label,domain,fs_hz,rate_key\ns.mat,normal,d0,,x.fs\n');
      return ['--data', d];
    },
    expect: [/s\.mat: rate key \(the scalar holding the sample rate\) 'x\.fs' not found; available: x\.sr, x\.rpm/],
  },
  {
    name: 'CSV data.channels naming an unknown column',
    make: () => ['--data', dataset('chan', 'c.csv', `time,DE\n${sine(5000).map((v, i) => `${i / 12000},${v}`).join('\n')}\n`), '--set', 'data.channels=[FE]'],
    expect: [/c\.csv: channel 'FE' not found; available: DE/],
  },
];

/** The CLI's contract on a few cases (each CLI start costs seconds); the rest run in process below. */
const CLI_CASES = new Set(['random bytes as .mat', 'truncated HDF5', 'synthetic fs_hz 1e-320']);

describe('bad data and configs through the CLI: exit 2, the file or key named, no stack trace, no history row', () => {
  it.each(cases.filter((c) => CLI_CASES.has(c.name)))('$name', async (c) => {
    const r = await runCli(['train', '--scale', 'quick', ...c.make()], { home, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(2);
    for (const re of c.expect) expect(r.stderr).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(r.stderr).not.toMatch(/HDF5-DIAG/);
    expect(r.stdout).not.toContain('flowbench sample');
    expect(runCount(home)).toBe(0);
  }, 130_000);
});

describe('bad data and configs in the host: a ConfigError or DataError (exit 2) before any run is recorded', () => {
  it.each(cases)('$name', async (c) => {
    const args = c.make();
    const data = args[0] === '--data' ? args[1]! : null;
    const sets = args.flatMap((a, i) => (args[i - 1] === '--set' ? [a] : []));
    const store = openStore(path.join(home, 'flowbench.sqlite'));
    const t0 = Date.now();
    let caught: unknown = null;
    try {
      const { spec } = loadRunSpec({ configPath: null, scale: 'quick', data, sets, cwd: root });
      await runTrainJob({ store, spec, workdir: path.join(home, 'runs'), cwd: root });
    } catch (err) {
      caught = err;
    } finally {
      store.close();
    }
    expect(caught instanceof DataError || caught instanceof ConfigError, String(caught)).toBe(true);
    const message = (caught as Error).message;
    for (const re of c.expect) expect(message).toMatch(re);
    expect(runCount(home)).toBe(0);
    // Speed targets live in benchmarks; this only catches a hang or a runaway allocation.
    expect(Date.now() - t0).toBeLessThan(60_000);
  }, 70_000);
});
