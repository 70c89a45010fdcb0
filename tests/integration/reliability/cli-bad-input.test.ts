/**
 * Bad input through the real CLI never touches existing runs: each case exits non-zero
 * with a clear message, and the runs table is the same before and after (rows are made
 * with the real store; no engine is started). Also: a 'running' run whose host pid is
 * gone is shown as interrupted.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../src-main/store/index.js';
import { runCli, tempHome } from '../../support/cli.js';
import { connectionOf } from '../../../src-main/store/connection.js';

const home = tempHome('flowbench-badcli-');
const db = path.join(home, 'flowbench.sqlite');

function snapshot(): string {
  const s = openStore(db);
  try {
    return JSON.stringify(connectionOf(s).prepare(`SELECT id, status, error, workdir, config_json FROM runs ORDER BY id`).all());
  } finally {
    s.close();
  }
}

beforeAll(() => {
  const s = openStore(db);
  const base = { name: 'x', scale: 'quick', config: {}, configHash: 'h', dataSource: 'synthetic', seed: 1 };
  for (const [id, status] of [['run-done', 'completed'], ['run-empty', 'interrupted'], ['run-ghost', 'running']] as const) {
    const workdir = path.join(home, 'runs', id);
    mkdirSync(workdir, { recursive: true });
    s.runs.create({ ...base, id, status, workdir });
  }
  // A host pid that cannot exist: the run's host is gone.
  s.events.insert({ runId: 'run-ghost', step: 0, kind: 'host', details: { pid: 2 ** 30 }, outcome: null });
  s.close();
});

describe('bad CLI input leaves the runs alone', () => {
  const cases: [string, string[], NodeJS.ProcessEnv, RegExp][] = [
    ['unknown run', ['resume', 'nope'], {}, /No run matches 'nope'/],
    ['completed run', ['resume', 'run-done'], {}, /already completed/],
    ['outside workdir', ['resume', 'run-empty', '--workdir', path.join(home, 'elsewhere')], {}, /outside --workdir/],
    ['bad keep_checkpoints', ['train', '--set', 'task.keep_checkpoints=0'], {}, /task\.keep_checkpoints/],
    ['bad faults', ['train'], { FLOWBENCH_FAULTS: 'nan@step=x' }, /FLOWBENCH_FAULTS: "nan@step=x"/],
  ];
  for (const [name, args, env, message] of cases) {
    it(`${name}: clear error, non-zero exit, runs unchanged`, async () => {
      const before = snapshot();
      const r = await runCli([...args, '--db', db], { home, env, timeoutMs: 60_000 });
      expect(r.code, r.stdout).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(snapshot()).toBe(before);
    });
  }

  it('a running run whose host died is listed as interrupted', async () => {
    const r = await runCli(['runs', '--json', '--db', db], { home });
    expect(r.code).toBe(0);
    const ghost = (JSON.parse(r.stdout) as { id: string; status: string }[]).find((x) => x.id === 'run-ghost')!;
    expect(ghost.status).toBe('interrupted');
  });
});
