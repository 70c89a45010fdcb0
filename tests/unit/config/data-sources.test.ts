/**
 * data.path sources with their own signal key: `--data PATH::KEY` and YAML {path, signal_key}
 * entries load as such (paths made absolute, the key kept per source); malformed ones are
 * config errors naming the flag or key.
 */
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../../../src-main/config/index.js';
import { loadError, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('data.path sources with a signal key each', () => {
  it('--data PATH::KEY gives that source its key; a plain --data keeps data.signal_key', () => {
    const { spec } = loadRunSpec({ cwd: tmp.dir, data: ['cwru_fe::_FE_time', 'ims'] });
    expect(spec.data.source).toBe('files');
    expect(spec.data.path).toEqual([{ path: resolve(tmp.dir, 'cwru_fe'), signal_key: '_FE_time' }, resolve(tmp.dir, 'ims')]);
    const one = loadRunSpec({ cwd: tmp.dir, data: 'cwru::X118_DE_time' }).spec;
    expect(one.data.path).toEqual({ path: resolve(tmp.dir, 'cwru'), signal_key: 'X118_DE_time' });
  });

  it('YAML entries {path, signal_key} load with their paths made absolute', () => {
    const file = tmp.write('r.yaml', 'data:\n  source: files\n  path:\n    - {path: a, signal_key: _DE_time}\n    - {path: b}\n    - c\n');
    const { spec } = loadRunSpec({ cwd: tmp.dir, configPath: file });
    expect(spec.data.path).toEqual([
      { path: resolve(tmp.dir, 'a'), signal_key: '_DE_time' },
      { path: resolve(tmp.dir, 'b'), signal_key: null },
      resolve(tmp.dir, 'c'),
    ]);
  });

  it('an empty part of PATH::KEY or an unknown entry key is refused, naming it', () => {
    const empty = loadError({ cwd: tmp.dir, data: ['cwru::'] });
    expect(empty.message).toMatch(/--data/);
    expect(empty.message).toMatch(/'cwru::': expected PATH or PATH::SIGNAL_KEY/);
    const file = tmp.write('r.yaml', 'data:\n  source: files\n  path: [{path: a, signal: _DE_time}]\n');
    const typo = loadError({ cwd: tmp.dir, configPath: file });
    expect(typo.message).toMatch(/data\.path/);
    expect(typo.message).toMatch(/signal/);
  });
});
