/**
 * Checkpoints verified after every write, and `sample` / `evaluate` falling back past corrupt
 * files (issue 14), on a real run through the real CLI, engine and SQLite file. The final
 * checkpoint is corrupted by the corrupt-checkpoint fault right after its write; then the
 * newest recorded one is corrupted on disk by hand, then all of them.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../../support/cli.js';
import { TINY, openDb, runIds } from './helpers.js';

function corrupt(file: string): void {
  const buf = readFileSync(file);
  for (let i = buf.length - 16; i < buf.length; i++) buf[i] = buf[i]! ^ 0xff;
  writeFileSync(file, buf);
}

describe('checkpoint verification and fallback', () => {
  const home = tempHome('flowbench-ckverify-');
  let id = '';
  let trained: { code: number | null; events: Record<string, unknown>[] } = { code: null, events: [] };
  let recorded: { step: number; path: string }[] = [];

  beforeAll(async () => {
    const r = await runCli(['train', '--json', '--seed', '3', ...TINY], { home, env: { FLOWBENCH_FAULTS: 'corrupt-checkpoint@step=18' } });
    trained = { code: r.code, events: jsonLines(r.stdout) };
    const db = openDb(home);
    id = runIds(db)[0]!;
    recorded = db.prepare(`SELECT step, path FROM checkpoints WHERE run_id = ? ORDER BY step`).all(id) as never;
    db.close();
  }, 120_000);

  it('reports the final checkpoint that fails verification and does not record it', () => {
    expect(trained.code).toBe(0);
    const dir = path.join(home, 'runs', id, 'checkpoints');
    expect(readdirSync(dir)).toContain('step-18.fbckpt');
    const log = trained.events.find((e) => e.event === 'log' && /step-18\.fbckpt failed verification/.test(String(e.message)));
    expect(log?.level).toBe('error');
    expect(trained.events.some((e) => e.event === 'checkpoint' && e.step === 18)).toBe(false);
    expect(recorded.map((c) => c.step)).not.toContain(18);
    expect(recorded.length).toBeGreaterThan(1);
  });

  it('sample falls back past a corrupt newest checkpoint and names both files', async () => {
    const newest = recorded[recorded.length - 1]!;
    const older = recorded[recorded.length - 2]!;
    corrupt(newest.path);
    const out = path.join(home, 'gen.csv');
    const r = await runCli(['sample', id, '--count', '2', '--out', out], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(newest.path);
    expect(r.stderr).toMatch(/is corrupt .*using the older verified checkpoint/);
    expect(r.stderr).toContain(`${older.path} (step ${older.step})`);
    expect(r.stdout).toContain(`from ${older.path}`);
  }, 120_000);

  it('sample and evaluate exit 2 naming the files when no checkpoint verifies', async () => {
    for (const c of recorded.slice(0, -1)) corrupt(c.path);
    const s = await runCli(['sample', id, '--count', '2', '--out', path.join(home, 'none.csv')], { home });
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/no checkpoint verifies/);
    for (const c of recorded) expect(s.stderr).toContain(c.path);
    expect(s.stderr).not.toMatch(/\n\s+at /);
    const e = await runCli(['evaluate', id], { home });
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/no checkpoint verifies/);
  }, 120_000);
});
