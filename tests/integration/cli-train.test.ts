/**
 * The main job end to end through the real CLI: a real engine process, a real SQLite file,
 * real checkpoint and sample files. Small shapes keep it fast; the flow is the product's.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readWindowsCsv, readWindowsH5 } from '../../src-main/data/readers/windows-reader.js';
import { jsonLines, runCli, tempHome } from '../support/cli.js';

const SMALL = [
  'data.window_length=256',
  'data.stride=256',
  'data.synthetic.seconds=1',
  'data.synthetic.files_per_class=1',
  'model.hidden_dim=64',
  'model.time_dim=32',
  'model.condition_dim=16',
  'model.sample_steps=8',
  'task.epochs=4',
  'task.batch_size=16',
  'trainer.steps_per_epoch=8',
  'trainer.log_every_n_steps=2',
].flatMap((kv) => ['--set', kv]);

describe('flowbench train --json on the embedded synthetic dataset', () => {
  const home = tempHome();
  let events: Record<string, unknown>[] = [];
  let code: number | null = null;
  let stderr = '';

  beforeAll(async () => {
    const result = await runCli(['train', '--json', '--seed', '7', ...SMALL], { home });
    code = result.code;
    stderr = result.stderr;
    events = jsonLines(result.stdout);
  });

  it('exits 0 and ends with a finished/completed event', () => {
    expect(code, stderr).toBe(0);
    const last = events[events.length - 1]!;
    expect(last.event).toBe('finished');
    expect(last.status).toBe('completed');
  });

  it('every line carries event, run_id and step (the public contract)', () => {
    expect(events.length).toBeGreaterThan(5);
    const runId = events[0]!.run_id;
    expect(typeof runId).toBe('string');
    for (const e of events) {
      expect(typeof e.event).toBe('string');
      expect(e.run_id).toBe(runId);
      expect(typeof e.step).toBe('number');
    }
    const kinds = events.map((e) => e.event);
    expect(kinds[0]).toBe('started');
    expect(kinds).toContain('data');
    expect(kinds).toContain('step');
    expect(kinds).toContain('epoch');
    expect(kinds).toContain('checkpoint');
  });

  it('step events carry the metrics under their own names', () => {
    const step = events.find((e) => e.event === 'step')!;
    for (const name of ['flow_loss', 'total_loss', 'flow_weight', 'contrastive_weight', 'lr', 'grad_norm', 'steps_per_s']) {
      expect(typeof step[name], name).toBe('number');
      expect(Number.isFinite(step[name] as number), name).toBe(true);
    }
  });

  it('records the run, its metrics and its checkpoint in SQLite; runs/show list them', async () => {
    const runId = events[0]!.run_id as string;
    const db = new Database(path.join(home, 'flowbench.sqlite'), { readonly: true });
    const run = db.prepare('select * from runs where id = ?').get(runId) as Record<string, unknown>;
    expect(run.status).toBe('completed');
    const epochRows = db.prepare("select count(*) n from metrics where run_id = ? and scope = 'epoch' and name = 'train_flow_loss'").get(runId) as { n: number };
    expect(epochRows.n).toBe(4);
    const stepEvents = events.filter((e) => e.event === 'step').length;
    const stepRows = db.prepare("select count(*) n from metrics where run_id = ? and scope = 'step' and name = 'flow_loss'").get(runId) as { n: number };
    expect(stepRows.n).toBe(stepEvents);
    const ckpt = db.prepare('select * from checkpoints where run_id = ?').get(runId) as Record<string, unknown>;
    expect(existsSync(ckpt.path as string)).toBe(true);
    expect((db.prepare('pragma integrity_check').get() as Record<string, string>).integrity_check).toBe('ok');
    db.close();

    const runs = await runCli(['runs', '--json'], { home });
    expect(runs.code, runs.stderr).toBe(0);
    const list = JSON.parse(runs.stdout) as { id: string; status: string; epochs_done: number }[];
    expect(list.map((r) => r.id)).toContain(runId);
    expect(list.find((r) => r.id === runId)!.epochs_done).toBe(4);

    const show = await runCli(['show', runId.slice(0, 15), '--json'], { home });
    expect(show.code, show.stderr).toBe(0);
    const detail = JSON.parse(show.stdout) as { run: { id: string }; epochs: unknown[]; checkpoints: unknown[] };
    expect(detail.run.id).toBe(runId);
    expect(detail.epochs).toHaveLength(4);
    // the final one, and (crash safety by default) one at the end of each earlier epoch, pruned to keep_checkpoints
    const checkpoints = detail.checkpoints as { step: number; kind: string }[];
    expect(checkpoints.filter((c) => c.kind === 'final').map((c) => c.step)).toEqual([32]);
    expect(checkpoints.filter((c) => c.kind === 'interval').map((c) => c.step).sort((a, b) => a - b)).toEqual([16, 24]);

    const text = await runCli(['show', 'last'], { home });
    expect(text.stdout).toContain(runId);
    expect(text.stdout).toContain('train_flow_loss');
  });

  it('sample writes windows of the trained shape from the checkpoint (csv and h5)', async () => {
    const runId = events[0]!.run_id as string;
    const csv = path.join(home, 'out', 'samples.csv');
    const res = await runCli(['sample', runId, '--count', '5', '--out', csv, '--json'], { home });
    expect(res.code, res.stderr).toBe(0);
    const sampled = jsonLines(res.stdout).find((e) => e.event === 'sampled')!;
    expect(sampled.count).toBe(5);
    expect(sampled.window_length).toBe(256);
    expect(sampled.channels).toBe(1);
    const fromCsv = await readWindowsCsv(csv);
    expect([fromCsv.n, fromCsv.length, fromCsv.channels]).toEqual([5, 256, 1]);
    expect(fromCsv.x.every((v) => Number.isFinite(v))).toBe(true);
    expect(fromCsv.meta.fs_hz).toBe(12000); // the rate of the windows it learned from (synthetic default)
    const h5 = path.join(home, 'out', 'samples.h5');
    const res2 = await runCli(['sample', 'last', '--count', '3', '--out', h5], { home });
    expect(res2.code, res2.stderr).toBe(0);
    expect(res2.stdout).toContain('3 windows × 256 samples × 1 channel');
    const fromH5 = await readWindowsH5(h5);
    expect([fromH5.n, fromH5.length, fromH5.channels]).toEqual([3, 256, 1]);
    expect(fromH5.meta.fs_hz).toBe(12000);
  });

  it('sample and evaluate: a request the checkpoint or the data cannot serve is bad input (exit 2, the message alone, no history row)', async () => {
    const runId = events[0]!.run_id as string;
    const cases: [string[], RegExp][] = [
      [['sample', runId, '--count', '2', '--out', path.join(home, 'out', 'l.csv'), '--domain', 'nowhere'], /domain "nowhere" is not in checkpoint .*; valid: /],
      [['sample', runId, '--count', '2', '--out', path.join(home, 'out', 'r.csv'), '--fs-hz', '12000'], /is not conditioned on fs_hz \(model\.conditions = \[domain,dataset\]\)/],
      [['evaluate', runId, '--only', 'few_shots'], /unknown section "few_shots" in --only; valid: linear_probe, few_shot/],
      [['evaluate', runId, '--only', 'linear_probe', '--data', path.join(home, 'no-such-data')], /data\.path .*no-such-data does not exist/],
    ];
    const runsBefore = (JSON.parse((await runCli(['runs', '--json'], { home })).stdout) as unknown[]).length;
    for (const [args, message] of cases) {
      const res = await runCli(args, { home });
      expect(res.code, `${args.join(' ')}\n${res.stderr}`).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    }
    expect((JSON.parse((await runCli(['runs', '--json'], { home })).stdout) as unknown[]).length).toBe(runsBefore);
  }, 120_000);

  it('runs shows the last epoch mean as the last flow loss; last and runs skip archived runs, runs --all shows them', async () => {
    const runId = events[0]!.run_id as string;
    const lastEpoch = events.filter((e) => e.event === 'epoch').at(-1)!;
    const list = JSON.parse((await runCli(['runs', '--json'], { home })).stdout) as { id: string; last_flow_loss: number }[];
    expect(list.find((r) => r.id === runId)!.last_flow_loss).toBeCloseTo(lastEpoch.train_flow_loss as number, 6);

    const db = new Database(path.join(home, 'flowbench.sqlite'));
    db.prepare('update runs set archived = 1 where id = ?').run(runId);
    db.close();
    const hidden = JSON.parse((await runCli(['runs', '--json'], { home })).stdout) as { id: string }[];
    expect(hidden.map((r) => r.id)).not.toContain(runId);
    const all = JSON.parse((await runCli(['runs', '--all', '--json'], { home })).stdout) as { id: string; archived: boolean }[];
    expect(all.find((r) => r.id === runId)?.archived).toBe(true);
    const show = await runCli(['show', 'last'], { home });
    expect(show.code).toBe(2);
    expect(show.stderr).toMatch(/archived.*runs --all/s);
    const typo = await runCli(['show', `${runId.slice(0, -1)}z`], { home });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(`Did you mean ${runId}?`);
  });
});
