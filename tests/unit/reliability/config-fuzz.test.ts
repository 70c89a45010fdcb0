/**
 * 1,200 mutated YAML files from the templates (configs/*.yaml) through loadRunSpec, in
 * process: each gives a RunSpec or a ConfigError with a message — never another exception
 * type, never a hang (each load must finish well within a second, alias bombs included).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadRunSpec } from '../../../src-main/config/index.js';
import { Rng } from '../../../src-main/data/rng.js';
import { repoRoot } from '../../support/cli.js';

const N = 1200;
const JUNK = ['-1', '0', '1e309', '-1e309', '.nan', '.inf', 'NaN', 'null', '~', '[]', '{}', '[1, 2', '{a: 1', '"', "'", 'true',
  'yes', '0x10', '1_000', '9007199254740993', '"\\u0000"', '\t', '&a [*a]', '*undefined_alias', '!!binary AAAA', '!!js/function "x"',
  'é✓😀', 'x'.repeat(5000), '- a\n- b', ': :', '%YAML 1.2', '---', '...', '<<: *x'];
const BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';

function mutate(text: string, rng: Rng): string {
  const lines = text.split('\n');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)]!;
  const i = Math.floor(rng.next() * lines.length);
  switch (Math.floor(rng.next() * 9)) {
    case 0: lines.splice(i, 1); break; // drop a line
    case 1: lines.splice(i, 0, lines[i] ?? ''); break; // duplicate a key
    case 2: lines[i] = (lines[i] ?? '').replace(/:\s*.*$/, `: ${pick(JUNK)}`); break; // junk value
    case 3: return text.slice(0, Math.floor(rng.next() * text.length)); // truncated file
    case 4: lines[i] = ' '.repeat(Math.floor(rng.next() * 7)) + (lines[i] ?? '').trimStart(); break; // indentation
    case 5: lines.splice(i, 0, `${pick(['task', 'model', 'data', 'trainer', 'zzz'])}.${pick(['lr', 'epochs', 'nope'])}: ${pick(JUNK)}`); break;
    case 6: lines[i] = (lines[i] ?? '').replace(/[a-z_]+/, (k) => k.slice(0, -1)); break; // typo in a key
    case 7: return BOMB + text; // billion laughs
    default: { // several junk values at once
      for (let k = 0; k < 4; k++) {
        const j = Math.floor(rng.next() * lines.length);
        lines[j] = (lines[j] ?? '').replace(/:\s*.*$/, `: ${pick(JUNK)}`);
      }
    }
  }
  return lines.join('\n');
}

describe('config fuzz: mutated templates through loadRunSpec', () => {
  it(`${N} mutations give a spec or a ConfigError with a message, quickly`, () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbench-fuzz-'));
    const templates = readdirSync(path.join(repoRoot, 'configs')).filter((n) => n.endsWith('.yaml'))
      .map((n) => readFileSync(path.join(repoRoot, 'configs', n), 'utf8'));
    expect(templates.length).toBeGreaterThan(0);
    const rng = new Rng(2024);
    const tally = { spec: 0, configError: 0, catchAll: 0 };
    const wrong: string[] = [];
    let slowest = 0;
    for (let k = 0; k < N; k++) {
      const file = path.join(dir, `m${k}.yaml`);
      const text = mutate(templates[k % templates.length]!, rng);
      writeFileSync(file, text);
      const t0 = performance.now();
      try {
        loadRunSpec({ configPath: file, cwd: dir });
        tally.spec++;
      } catch (err) {
        if (!(err instanceof ConfigError)) wrong.push(`m${k}: ${String(err)}`);
        else if (!err.message.trim()) wrong.push(`m${k}: empty message`);
        else {
          tally.configError++;
          // The loader's catch-all: still a ConfigError naming the file, but it means an
          // unexpected error inside config/ — none is allowed.
          if (/could not load/.test(err.message)) {
            tally.catchAll++;
            wrong.push(`m${k}: reached the catch-all: ${err.message}`);
          }
        }
      }
      slowest = Math.max(slowest, performance.now() - t0);
    }
    expect(wrong, wrong.slice(0, 5).join('\n')).toEqual([]);
    expect(tally.spec + tally.configError).toBe(N);
    // Both outcomes occur: the mutations are neither all harmless nor all fatal.
    expect(tally.spec).toBeGreaterThan(50);
    expect(tally.configError).toBeGreaterThan(300);
    // A hang guard, not a speed target (alias bombs once took unbounded time).
    expect(slowest).toBeLessThan(10_000);
    console.log(`config fuzz: ${N} files → ${tally.spec} specs, ${tally.configError} ConfigErrors (${tally.catchAll} via the catch-all), slowest ${slowest.toFixed(0)} ms`);
  }, 60_000);
});
