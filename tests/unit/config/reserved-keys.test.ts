/**
 * `__proto__`, `constructor` and `prototype` are refused wherever a key arrives: a `--set`
 * (or wizard) path, a `--set` value's mapping, a YAML key. Before the fix a
 * `--set __proto__.x=1` polluted Object.prototype for every later call in the process.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../../../src-main/config/index.js';
import { setPath } from '../../../src-main/config/paths.js';
import { loadError, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => {
  tmp.cleanup();
  delete (Object.prototype as Record<string, unknown>).polluted;
});

const polluted = () => ({} as Record<string, unknown>).polluted;

describe('reserved config keys', () => {
  it.each([
    '__proto__.polluted=1',
    'task.__proto__.polluted=1',
    'constructor.prototype.polluted=1',
    'model.prototype=1',
  ])('--set %s is a ConfigError naming the key, and nothing is polluted', (arg) => {
    const err = loadError({ configPath: null, scale: 'quick', sets: [arg], cwd: tmp.dir });
    expect(err.message).toMatch(/(__proto__|constructor|prototype)" is a reserved name/);
    expect(polluted()).toBeUndefined();
    // The process keeps working: a normal load afterwards succeeds.
    expect(loadRunSpec({ configPath: null, scale: 'quick', sets: ['task.lr=0.001'], cwd: tmp.dir }).spec.task.lr).toBe(0.001);
  });

  it('refuses a reserved key inside a --set value', () => {
    const err = loadError({ configPath: null, scale: 'quick', sets: ['task={__proto__: {polluted: 1}}'], cwd: tmp.dir });
    expect(err.message).toMatch(/"__proto__" is a reserved name/);
    expect(polluted()).toBeUndefined();
  });

  it('refuses a reserved key in YAML with its line', () => {
    const file = tmp.write('bad.yaml', 'task:\n  lr: 0.001\n  __proto__:\n    polluted: 1\n');
    const err = loadError({ configPath: `${tmp.dir}/${file}`, scale: 'quick', cwd: tmp.dir });
    expect(err.message).toMatch(/bad\.yaml:3/);
    expect(err.message).toMatch(/task\.__proto__/);
    expect(polluted()).toBeUndefined();
  });

  it('setPath itself refuses a reserved segment', () => {
    expect(() => setPath({}, ['__proto__', 'polluted'], 1)).toThrow(/reserved/);
    expect(polluted()).toBeUndefined();
  });

  it('walks a self-referencing YAML alias once (the reserved-key scan once recursed until the stack overflowed)', () => {
    const file = tmp.write('cycle.yaml', 'task:\n  lr: 0.001\n  augmentations: &a [*a]\n');
    const t0 = performance.now();
    const err = loadError({ configPath: `${tmp.dir}/${file}`, scale: 'quick', cwd: tmp.dir });
    expect(err.message).not.toMatch(/call stack/);
    expect(err.message).toMatch(/augmentations/);
    expect(performance.now() - t0).toBeLessThan(5_000); // a hang guard: the overflow took seconds and 300 MB
  });
});
