/**
 * Every recovery path on one real small run through the real CLI and engine process:
 *   bad-batch@3 → skip_batch · nan@6 → rollback + lr_reduction · grad-explosion@14 →
 *   grad_explosion + lr_reduction · oom@15 → oom_batch_halving · corrupt-checkpoint@8
 *   (bit rot after the write) · crash-in-checkpoint@12 (SIGKILL between fsync and rename).
 * Then `resume` refuses the corrupted step-8 file (checkpoint_corrupt), never sees the
 * torn step-12 temp file, falls back to step 4 and completes; `show` summarises it all.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../../support/cli.js';
import { TINY, eventKinds, integrity, openDb, runIds, runRow, stepLosses } from './helpers.js';

const FAULTS = 'bad-batch@step=3,nan@step=6,corrupt-checkpoint@step=8,crash-in-checkpoint@step=12';
const FAULTS_AFTER = 'grad-explosion@step=14,oom@step=15';

describe('injected faults: every recovery path on a real run', () => {
  const home = tempHome('flowbench-faults-');
  let id = '';
  let first: { code: number | null; files: string[] } = { code: null, files: [] };
  let resumed: Record<string, unknown>[] = [];
  let resumeCode: number | null = null;
  let show: { code: number | null; stdout: string } = { code: null, stdout: '' };

  beforeAll(async () => {
    const r = await runCli(['train', '--json', '--seed', '5', ...TINY], { home, env: { FLOWBENCH_FAULTS: FAULTS } });
    id = runIds(openDb(home))[0]!;
    first = { code: r.code, files: readdirSync(path.join(home, 'runs', id, 'checkpoints')) };
    const res = await runCli(['resume', id, '--json'], { home, env: { FLOWBENCH_FAULTS: FAULTS_AFTER } });
    resumeCode = res.code;
    resumed = jsonLines(res.stdout);
    const s = await runCli(['show', id], { home });
    show = { code: s.code, stdout: s.stdout };
  }, 200_000);

  it('the torn write left only a temp file next to the verified checkpoints', () => {
    expect(first.code).toBe(1);
    expect(first.files.some((n) => n.startsWith('.step-12.fbckpt.') && n.endsWith('.tmp'))).toBe(true);
    expect(first.files).not.toContain('step-12.fbckpt');
  });

  it('records skip_batch, rollback and lr_reduction before the crash, in SQLite', () => {
    const db = openDb(home);
    const kinds = eventKinds(db, id);
    const at = (kind: string) => kinds.filter((e) => e.kind === kind).map((e) => e.step);
    expect(at('skip_batch')).toEqual([3]);
    expect(at('rollback')).toEqual([6]);
    expect(kinds.find((e) => e.kind === 'rollback')!.outcome).toMatch(/restored the weights and optimiser and objective(, [a-z_]+)* of step 4/);
    expect(at('lr_reduction')).toContain(6);
    db.close();
  });

  it('resume refuses the corrupted checkpoint, falls back to step 4 and completes', () => {
    expect(resumeCode).toBe(0);
    const corrupt = resumed.filter((e) => e.kind === 'checkpoint_corrupt');
    expect(corrupt).toHaveLength(1);
    expect(JSON.stringify(corrupt[0]!.details)).toMatch(/step-8\.fbckpt.*(sha256|corrupted)/);
    const resume = resumed.find((e) => e.kind === 'resume')!;
    expect((resume.details as { from_step: number }).from_step).toBe(4);
    expect(resumed[resumed.length - 1]!.status).toBe('completed');
  });

  it('after the resume: explosion clipped + LR cut, OOM halves the batch, effective batch kept', () => {
    const explosion = resumed.find((e) => e.kind === 'grad_explosion')!;
    expect(explosion.step).toBe(14);
    const d = explosion.details as { grad_norm: number; clip_to: number };
    expect(d.grad_norm).toBeGreaterThan(d.clip_to);
    const oom = resumed.find((e) => e.kind === 'oom_batch_halving')!;
    expect(oom.step).toBe(15);
    expect(oom.outcome).toBe('batch 4 × 2 accumulation (effective 8)');
    // The OOM step is retried, not lost: step 15 has a loss.
    const steps = resumed.filter((e) => e.event === 'step').map((e) => e.step);
    expect(steps).toContain(15);
    const lrs = resumed.filter((e) => e.event === 'step' && (e.step as number) > 14).map((e) => e.lr as number);
    const before = resumed.find((e) => e.event === 'step' && e.step === 13)!.lr as number;
    expect(Math.max(...lrs)).toBeLessThan(before);
  });

  it('no metric lost: every step once, integrity ok, run completed; show has the error summary', () => {
    const db = openDb(home);
    expect(integrity(db)).toBe('ok');
    const steps = stepLosses(db, id).map((r) => r.step);
    expect(new Set(steps).size).toBe(steps.length);
    // Step 3 had its only micro-batch skipped and step 6 was rolled back: no loss for them.
    expect(steps.length).toBeGreaterThanOrEqual(14);
    expect(runRow(db, id).status).toBe('completed');
    db.close();
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/errors\s+\d+ incident\(s\):.*checkpoint_corrupt 1.*engine_crash 1/);
    expect(show.stdout).toMatch(/recovered \d+\/\d+ \(100%\); resumes 1/);
  });
});
