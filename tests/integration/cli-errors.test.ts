/**
 * Bad input at the CLI: each case exits non-zero with a message that names what is wrong,
 * and none of them records a run or touches the database's existing runs.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCount, tempHome } from '../support/cli.js';

const home = tempHome('flowbench-errors-');
const dir = path.join(home, 'inputs');
mkdirSync(dir, { recursive: true });

function file(name: string, text: string): string {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
}


const cases: { name: string; args: () => string[]; expect: RegExp[] }[] = [
  {
    name: 'unknown config key suggests the nearest one',
    args: () => ['train', '--config', file('typo.yaml', 'task:\n  learning_rate: 0.001\n')],
    expect: [/task\.learning_rate/, /task\.lr/],
  },
  {
    name: 'bad value names key, value and range',
    args: () => ['train', '--config', file('neg.yaml', 'task:\n  batch_size: -4\n')],
    expect: [/task\.batch_size/, /-4/],
  },
  {
    name: 'missing config file is named',
    args: () => ['train', '--config', path.join(dir, 'nope.yaml')],
    expect: [/nope\.yaml/],
  },
  {
    name: 'YAML syntax error gives the line',
    args: () => ['train', '--config', file('broken.yaml', 'task:\n  lr: [1, 2\n')],
    expect: [/broken\.yaml/, /line|:\d+/],
  },
  {
    name: '--set of an unknown key',
    args: () => ['train', '--set', 'model.hiden_dim=3'],
    expect: [/model\.hiden_dim/, /model\.hidden_dim/],
  },
  {
    name: '--set without =',
    args: () => ['train', '--set', 'task.lr'],
    expect: [/task\.lr/, /=/],
  },
  {
    name: 'bad --scale lists the choices',
    args: () => ['train', '--scale', 'huge'],
    expect: [/huge/, /quick/],
  },
  {
    name: 'non-integer --seed',
    args: () => ['train', '--seed', 'abc'],
    expect: [/--seed/, /integer/],
  },
  {
    name: '--data that does not exist',
    args: () => ['train', '--data', path.join(dir, 'no-such-dataset')],
    expect: [/no-such-dataset/],
  },
  {
    name: 'show of an unknown run',
    args: () => ['show', 'zzzz-not-a-run'],
    expect: [/zzzz-not-a-run/, /flowbench train|flowbench runs/],
  },
  {
    name: 'sample with an unsupported output extension',
    args: () => ['sample', 'last', '--count', '2', '--out', path.join(dir, 'x.wav')],
    expect: [/\.wav/, /\.csv|\.h5/],
  },
  {
    name: 'data inspect of a file that is not a signal file',
    args: () => ['data', 'inspect', file('garbage.mat', 'this is not a MAT file at all, just text that goes on '.repeat(4))],
    expect: [/garbage\.mat/],
  },
  {
    name: 'pipeline config: unknown key, with its line and the nearest key',
    args: () => ['pipeline', '--config', file('pipe-typo.yaml', 'stage1:\n  config: flow.yaml\nstage2:\n  wya: 4\n')],
    expect: [/pipe-typo\.yaml:4: stage2\.wya: unknown key; did you mean stage2\.way\?/, /Invalid pipeline configuration/],
  },
  {
    name: 'pipeline config: bad value, with its line and what is valid',
    args: () => ['pipeline', '--config', file('pipe-shot.yaml', 'name: p\nstage1:\n  config: flow.yaml\n  scale: huge\n')],
    expect: [/pipe-shot\.yaml:4: stage1\.scale: got "huge" \(a string\); expected one of "quick"/],
  },
  {
    name: 'unknown command',
    args: () => ['trian'],
    expect: [/trian/],
  },
];

describe('CLI bad input', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const before = runCount(home);
      const res = await runCli(c.args(), { home, timeoutMs: 60_000 });
      expect(res.code, `stdout: ${res.stdout}\nstderr: ${res.stderr}`).toBe(2); // README: 2 = bad input
      for (const re of c.expect) expect(res.stderr, res.stderr).toMatch(re);
      expect(res.stderr).not.toMatch(/at .*\.(ts|js|mjs):\d+:\d+/); // a message, not a stack trace
      expect(runCount(home)).toBe(before);
    });
  }
});
