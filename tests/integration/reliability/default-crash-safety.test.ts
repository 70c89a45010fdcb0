/**
 * Crash safety with the default checkpoint settings (no checkpoint key set): the engine of
 * a run is killed mid-epoch, one `flowbench resume` finishes it from its last epoch
 * checkpoint with the losses of an uninterrupted run, and the resumed run reads as one
 * run: every checkpoint of both segments on its timeline, 'started' at the step it
 * continued from, duration the sum of both segments. A wall-time interval writes
 * checkpoints mid-epoch.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../../support/cli.js';
import { TINY, epochLosses, eventKinds, maxRelDiff, openDb, runIds, stepLosses } from './helpers.js';

/** TINY with the checkpoint settings left at their defaults (3 epochs × 6 steps). */
const DEFAULTS = TINY.filter((arg, i) => !arg.startsWith('task.checkpoint') && !TINY[i + 1]?.startsWith('task.checkpoint'));

describe('a default run killed mid-run is finished by one resume', () => {
  const home = tempHome('flowbench-default-ckpt-');
  let ids: string[] = [];
  const codes: Record<string, number | null> = {};
  let crashedEvents: Record<string, unknown>[] = [];
  let resumeEvents: Record<string, unknown>[] = [];
  let durationAfterCrash = 0;

  beforeAll(async () => {
    codes.a = (await runCli(['train', '--json', '--seed', '5', ...DEFAULTS], { home })).code;
    const b = await runCli(['train', '--json', '--seed', '5', ...DEFAULTS], { home, env: { FLOWBENCH_FAULTS: 'crash@step=9' } });
    codes.b = b.code;
    crashedEvents = jsonLines(b.stdout);
    const db = new Database(path.join(home, 'flowbench.sqlite'), { readonly: true });
    ids = runIds(db);
    durationAfterCrash = (db.prepare('SELECT duration_s AS d FROM runs WHERE id = ?').get(ids[1]) as { d: number }).d;
    db.close();
    const r = await runCli(['resume', 'last', '--json'], { home });
    codes.resume = r.code;
    resumeEvents = jsonLines(r.stdout);
  }, 240_000);

  it('checkpoints every epoch by default, so the kill at step 9 loses only steps 7–9', () => {
    expect(DEFAULTS.join(' ')).not.toContain('checkpoint');
    expect(codes.a).toBe(0);
    expect(codes.b).toBe(1);
    const written = crashedEvents.filter((e) => e.event === 'checkpoint').map((e) => [e.step, e.kind]);
    expect(written).toEqual([[6, 'interval']]); // end of epoch 1 (6 steps per epoch)
    expect(codes.resume).toBe(0);
    const resume = resumeEvents.find((e) => e.event === 'recovery' && e.kind === 'resume')!;
    expect((resume.details as { from_step: number }).from_step).toBe(6);
    expect(resumeEvents.at(-1)!.status).toBe('completed');
  });

  it('the resumed run has the losses of the uninterrupted one', () => {
    const db = openDb(home);
    expect(maxRelDiff(stepLosses(db, ids[0]!), stepLosses(db, ids[1]!))).toBeLessThanOrEqual(1e-6);
    expect(maxRelDiff(epochLosses(db, ids[0]!), epochLosses(db, ids[1]!))).toBeLessThanOrEqual(1e-6);
    db.close();
  });

  it('reads as one run: started at the resume step, every checkpoint kept on the timeline, summed duration', () => {
    const started = resumeEvents.find((e) => e.event === 'started')!;
    expect(started.step).toBe(6);
    const db = openDb(home);
    const events = eventKinds(db, ids[1]!);
    // epoch 1 end (first segment), epoch 2 end (after the resume), the final one
    expect(events.filter((e) => e.kind === 'checkpoint').map((e) => e.step)).toEqual([6, 12, 18]);
    expect(events.findIndex((e) => e.kind === 'engine_crash')).toBeLessThan(events.findIndex((e) => e.kind === 'resume'));
    const run = db.prepare('SELECT duration_s AS d, started_at AS s FROM runs WHERE id = ?').get(ids[1]) as { d: number; s: string };
    const secondSegment = resumeEvents.at(-1)!.seconds as number;
    expect(run.d).toBeCloseTo(durationAfterCrash + secondSegment, 6);
    expect(run.s).toBe(crashedEvents.find((e) => e.event === 'started')!.time);
    db.close();
  });
});

describe('task.checkpoint_minutes', () => {
  const intervalSteps = async (minutes: string): Promise<number[]> => {
    const home = tempHome('flowbench-minutes-');
    const sets = ['--set', 'task.checkpoint_every_epoch=false', '--set', `task.checkpoint_minutes=${minutes}`];
    const res = await runCli(['train', '--json', '--seed', '5', ...DEFAULTS, ...sets], { home });
    expect(res.code, res.stderr).toBe(0);
    return jsonLines(res.stdout).filter((e) => e.event === 'checkpoint' && e.kind === 'interval').map((e) => e.step as number);
  };

  it('writes interval checkpoints mid-epoch once the wall time has passed, none when 0', async () => {
    // 6 ms: most steps of this tiny model (and every checkpoint write) take longer
    const timed = await intervalSteps('0.0001');
    expect(timed.length).toBeGreaterThan(3);
    expect(timed.some((s) => s % 6 !== 0)).toBe(true); // not at epoch ends
    expect(await intervalSteps('0')).toEqual([]);
  });
});
