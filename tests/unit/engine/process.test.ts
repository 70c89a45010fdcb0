import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EngineEvent, FinishedEvent, HostMessage } from '../../../src-main/engine/protocol/index.js';
import { tempDir, tinySpec } from './fixtures.js';

const ENTRY = resolve(import.meta.dirname, '../../../src-main/engine/process.ts');

interface ChildRun {
  events: EngineEvent[];
  code: number | null;
  stdout: string;
}

/** Forks the real engine process, sends one message, collects every event until exit. */
function runEngine(msg: HostMessage): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const child = fork(ENTRY, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const events: EngineEvent[] = [];
    let stdout = '';
    child.stdout!.on('data', (b) => (stdout += String(b)));
    child.stderr!.on('data', (b) => process.stderr.write(b));
    child.on('message', (e) => events.push(e as EngineEvent));
    child.on('error', fail);
    child.on('exit', (code) => done({ events, code, stdout }));
    child.send(msg);
  });
}

describe('engine process (forked child, synthetic data)', () => {
  it('trains, checkpoints, exits 0; sampling from the checkpoint writes windows of the right shape', async () => {
    const dir = tempDir('proc');
    const spec = tinySpec({
      data: { source: 'synthetic', max_windows_per_file: 12, synthetic: { seconds: 0.25, files_per_class: 1 } },
      task: { epochs: 2 },
      trainer: { steps_per_epoch: 3, log_every_n_steps: 1 },
    });
    const train = await runEngine({ type: 'train', run_id: 'proc-run', spec, run_dir: dir, cwd: dir });
    const kinds = train.events.map((e) => e.event);
    expect(train.events.find((e) => e.event === 'finished')).toMatchObject({ status: 'completed' });
    expect(train.code).toBe(0);
    expect(train.stdout).toBe('');
    // started → data → step… → epoch… → checkpoint → finished, steps and epochs interleaved.
    expect(kinds.slice(0, 3)).toEqual(['started', 'data', 'step']);
    expect(kinds.slice(-2)).toEqual(['checkpoint', 'finished']);
    expect(kinds.filter((k) => k === 'step')).toHaveLength(6);
    expect(kinds.filter((k) => k === 'epoch')).toHaveLength(2);
    expect(train.events.every((e) => e.run_id === 'proc-run' && typeof e.time === 'string')).toBe(true);
    const data = train.events.find((e) => e.event === 'data')!;
    expect(data).toMatchObject({ window_length: 64, channels: 1 });
    const ckpt = train.events.find((e) => e.event === 'checkpoint')!;
    if (ckpt.event !== 'checkpoint') throw new Error('unreachable');

    const out = join(dir, 'samples.csv');
    const domain = (data.event === 'data' && data.domains[0]) || null;
    const sample = await runEngine({ type: 'sample', run_id: 'proc-run', checkpoint_path: ckpt.path, count: 5, out_path: out, seed: 1, domain });
    expect(sample.code).toBe(0);
    expect(sample.events.map((e) => e.event)).toEqual(['sampled', 'finished']);
    expect(sample.events[0]).toMatchObject({ count: 5, window_length: 64, channels: 1, out_path: out });
    const rows = readFileSync(out, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rows[0].split(',')).toHaveLength(2 + 64); // header: window, channel, s0..s63
    const body = rows.slice(1);
    expect(body).toHaveLength(5);
    for (const r of body) expect(r.split(',').slice(2).every((v) => Number.isFinite(Number(v)))).toBe(true);
  });

  it('a bad request becomes finished(failed) with a clear reason and exit code 1', async () => {
    const dir = tempDir('proc-bad');
    const r = await runEngine({ type: 'sample', run_id: 'bad', checkpoint_path: join(dir, 'nope.fbckpt'), count: 2, out_path: join(dir, 'x.csv'), seed: 1 });
    expect(r.code).toBe(1);
    const fin = r.events.find((e) => e.event === 'finished') as FinishedEvent;
    expect(fin.status).toBe('failed');
    expect(fin.reason).toMatch(/nope\.fbckpt: cannot read \(ENOENT\)/);
    expect(r.events.some((e) => e.event === 'log' && e.level === 'error')).toBe(true);
  });
});
