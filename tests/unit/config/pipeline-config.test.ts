/**
 * The pipeline file is read by config/ with the run config's errors: file, line, key path,
 * the value received and what would be valid, every problem at once.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadPipelineSpec } from '../../../src-main/config/index.js';
import { repoRoot } from '../../support/cli.js';
import { tempDir } from './helpers.js';

const t = tempDir();
afterAll(() => t.cleanup());

function pipelineError(name: string, text: string): ConfigError {
  t.write(name, text);
  try {
    loadPipelineSpec(join(t.dir, name), name);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError, but the pipeline config loaded');
}

describe('pipeline config', () => {
  it('the shipped pipeline loads, stage 2 defaults filled', () => {
    const spec = loadPipelineSpec(join(repoRoot, 'configs', 'pipeline_pretrain_fewshot.yaml'));
    expect(spec.stage1).toEqual({ config: 'flow_pretrain_basic.yaml', scale: 'quick', set: [] });
    expect(spec.stage2.way).toBe(5);
    const minimal = t.write('minimal.yaml', 'stage1:\n  config: a.yaml\n');
    expect(loadPipelineSpec(join(t.dir, minimal)).stage2).toEqual({
      way: 5, shot: 5, query: 15, train_episodes: 100, eval_episodes: 200, lr: 1e-4, max_windows_per_file: 120,
    });
  });

  it('names every bad key and value with its line, at once', () => {
    const err = pipelineError('bad.yaml', [
      'name: p',            // 1
      'stage1:',            // 2
      '  config: a.yaml',   // 3
      '  sets: []',         // 4  (unknown: set)
      'stage2:',            // 5
      '  way: 1',           // 6  (below 2)
      '  lr: fast',         // 7  (not a number)
      'notes: hi',          // 8  (unknown, nothing near)
    ].join('\n'));
    expect(err.message).toMatch(/^Invalid pipeline configuration \(4 problems\):/);
    const byPath = new Map(err.issues.map((i) => [i.path, i]));
    expect(byPath.get('stage1.sets')).toMatchObject({ line: 4, source: 'bad.yaml', message: 'unknown key; did you mean stage1.set?' });
    expect(byPath.get('stage2.way')).toMatchObject({ line: 6, message: 'got 1; expected an integer ≥ 2' });
    expect(byPath.get('stage2.lr')).toMatchObject({ line: 7, message: 'got "fast" (a string); expected a number > 0 and ≤ 1' });
    expect(byPath.get('notes')).toMatchObject({ line: 8, message: 'unknown key; valid keys of the top level: name, stage1, stage2' });
  });

  it('a missing stage 1, a YAML syntax error and a non-mapping document are config errors naming the file', () => {
    expect(pipelineError('empty.yaml', 'name: p\n').issues).toEqual([
      expect.objectContaining({ path: 'stage1', source: 'empty.yaml', message: 'got nothing; expected a mapping with keys config, scale, set' }),
    ]);
    expect(pipelineError('syntax.yaml', 'stage1:\n  set: [a, b\n').issues[0]!.source).toMatch(/^syntax\.yaml:\d+:\d+$/);
    expect(pipelineError('list.yaml', '- a\n- b\n').issues[0]).toMatchObject({ line: 1, message: expect.stringMatching(/must be a mapping.*a list/) });
  });
});
