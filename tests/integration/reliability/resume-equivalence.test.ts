/**
 * Exact resume through the real CLI: an uninterrupted run, a run whose engine is killed
 * (crash@step=11 fault: SIGKILL mid-epoch, after the step-8 checkpoint) and resumed, and a
 * run whose *host* (the CLI writing SQLite) is kill -9'd at a random moment and resumed,
 * all give the same losses, every step recorded once, and an intact database.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliPath, jsonLines, repoRoot, runCli, tempHome } from '../../support/cli.js';
import { TINY, epochLosses, eventKinds, integrity, maxRelDiff, openDb, runIds, runRow, stepLosses } from './helpers.js';

const TOL = 1e-6;

describe('kill and resume give the losses of an uninterrupted run', () => {
  const home = tempHome('flowbench-resume-');
  let ids: string[] = [];
  const codes: Record<string, number | null> = {};
  let resumeEvents: Record<string, unknown>[] = [];

  beforeAll(async () => {
    codes.a = (await runCli(['train', '--json', '--seed', '3', ...TINY], { home })).code;
    codes.b = (await runCli(['train', '--json', '--seed', '3', ...TINY], { home, env: { FLOWBENCH_FAULTS: 'crash@step=11' } })).code;
    const r = await runCli(['resume', 'last', '--json'], { home });
    codes.bResume = r.code;
    resumeEvents = jsonLines(r.stdout);

    // Host kill -9 at a random moment while it records metrics (log every step).
    const child = spawn(process.execPath, [cliPath, 'train', '--json', '--seed', '3', ...TINY], {
      cwd: repoRoot, env: { ...process.env, FLOWBENCH_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let steps = 0;
    const killAt = 5 + Math.floor(Math.random() * 6);
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        steps += (d.toString().match(/"event":"step"/g) ?? []).length;
        if (steps >= killAt && child.exitCode === null) child.kill('SIGKILL');
      });
      child.on('close', () => resolve());
    });
    // The orphaned engine sees the disconnect and exits at once, writing nothing more; give it time.
    await new Promise((r) => setTimeout(r, 4000));
    codes.cResume = (await runCli(['resume', 'last', '--json'], { home })).code;
    const db = openDb(home);
    ids = runIds(db);
    db.close();
  }, 240_000);

  it('the crashed run resumes from its last stable checkpoint, same run id', () => {
    expect(codes.a).toBe(0);
    expect(codes.b).toBe(1); // the engine died: the run was marked failed
    expect(codes.bResume).toBe(0);
    expect(ids).toHaveLength(3);
    const resume = resumeEvents.find((e) => e.event === 'recovery' && e.kind === 'resume')!;
    expect((resume.details as { from_step: number }).from_step).toBe(8);
    expect(resumeEvents.every((e) => e.run_id === ids[1])).toBe(true);
    expect(resumeEvents[resumeEvents.length - 1]!.status).toBe('completed');
  });

  it('every step and epoch loss equals the uninterrupted run, each recorded once', () => {
    const db = openDb(home);
    const a = stepLosses(db, ids[0]!);
    expect(a.map((r) => r.step)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    for (const id of [ids[1]!, ids[2]!]) {
      expect(maxRelDiff(a, stepLosses(db, id))).toBeLessThanOrEqual(TOL);
      expect(maxRelDiff(stepLosses(db, ids[0]!, 'grad_norm'), stepLosses(db, id, 'grad_norm'))).toBeLessThanOrEqual(TOL);
      expect(maxRelDiff(epochLosses(db, ids[0]!), epochLosses(db, id))).toBeLessThanOrEqual(TOL);
      expect(runRow(db, id).status).toBe('completed');
    }
    db.close();
  });

  it('after the host kill -9: integrity_check ok, the run was interrupted and resumed', () => {
    expect(codes.cResume).toBe(0);
    const db = openDb(home);
    expect(integrity(db)).toBe('ok');
    const kinds = eventKinds(db, ids[2]!).map((e) => e.kind);
    expect(kinds).toContain('resume');
    expect(kinds.filter((k) => k === 'host')).toHaveLength(2);
    db.close();
    // No temp file of an atomic write is ever left behind as a checkpoint.
    const dir = path.join(home, 'runs', ids[2]!, 'checkpoints');
    expect(readdirSync(dir).every((n) => /^step-\d+\.fbckpt$/.test(n))).toBe(true);
  });
});
