import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../../../src-main/config/index.js';
import { loadError, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const fromFile = (text: string, extra: Record<string, unknown> = {}) =>
  loadError({ cwd: tmp.dir, configPath: tmp.write('run.yaml', text), ...extra });

describe('bad configs give clear errors', () => {
  it('unknown key: names file, line, key path and the nearest key', () => {
    const err = fromFile('task:\n  lr: 0.001\n  learning_rate: 0.01\n');
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]).toMatchObject({ path: 'task.learning_rate', line: 3, source: 'run.yaml' });
    expect(err.message).toContain('run.yaml:3: task.learning_rate: unknown key; did you mean task.lr?');
  });

  it('typo suggestion by edit distance, and a key that lives in another section', () => {
    const err = fromFile('task:\n  batchsize: 8\ndata:\n  epochs: 3\n');
    expect(err.message).toContain('task.batchsize: unknown key; did you mean task.batch_size?');
    expect(err.message).toContain('data.epochs: unknown key; did you mean task.epochs?');
  });

  it('unknown key with nothing near lists the valid keys', () => {
    const err = fromFile('environment:\n  zzzzzzzz: 1\n');
    expect(err.message).toContain('environment.zzzzzzzz: unknown key; valid keys of environment: seed');
  });

  it('unknown section', () => {
    const err = fromFile('tsak:\n  lr: 0.1\n');
    expect(err.message).toContain('run.yaml:1: tsak: unknown section; did you mean task?');
  });

  it('wrong type names the value received and the type expected', () => {
    const err = fromFile('task:\n  batch_size: "many"\n');
    expect(err.message).toContain('run.yaml:2: task.batch_size: got "many" (a string); expected an integer ≥ 1 and ≤ 65536');
  });

  it('out of range and non-integer', () => {
    const err = fromFile('task:\n  lr: -1\n  epochs: 1.5\n');
    expect(err.message).toContain('task.lr: got -1; expected a number > 0 and ≤ 10');
    expect(err.message).toContain('task.epochs: got 1.5; expected an integer ≥ 1 and ≤ 100000');
    expect(err.issues.map((i) => i.line).sort()).toEqual([2, 3]);
  });

  it('bad enum lists the options', () => {
    const err = fromFile('task:\n  lr_scheduler: cosin\n');
    expect(err.message).toContain('task.lr_scheduler: got "cosin" (a string); expected one of "constant", "cosine", "warmup_cosine"');
  });

  it('bad list element points at the item', () => {
    const err = fromFile('model:\n  conditions:\n    - domain\n    - FOO\n');
    expect(err.issues[0]).toMatchObject({ path: 'model.conditions[1]', line: 4 });
    expect(err.message).toContain('"FOO"');
    expect(err.message).toContain('"sample_rate"');
  });

  it('YAML syntax error gives file:line:col', () => {
    const err = fromFile('task:\n  lr: 0.1\n  datasets: [CWRU\nmodel:\n  hidden_dim: 3\n');
    expect(err.message).toMatch(/run\.yaml:\d+:\d+: YAML syntax error/);
    expect(err.issues[0].source).toMatch(/^run\.yaml:[3-6]:\d+$/);
  });

  it('non-mapping document', () => {
    const err = fromFile('- a\n- b\n');
    expect(err.message).toContain('the document must be a mapping of sections');
    expect(err.message).toContain('["a","b"] (a list)');
  });

  it('a file that does not exist names it and suggests a neighbour', () => {
    tmp.write('flow_pretrain_basic.yaml', 'task: {}\n');
    const err = loadError({ cwd: tmp.dir, configPath: 'flow_pretrain_basci.yaml' });
    expect(err.message).toContain('flow_pretrain_basci.yaml: config file not found');
    expect(err.message).toContain('did you mean flow_pretrain_basic.yaml?');
  });

  it('a folder instead of a file', () => {
    const err = loadError({ cwd: tmp.dir, configPath: '.' });
    expect(err.message).toContain('is not a file');
  });

  it('bad --set path suggests the nearest key', () => {
    const err = loadError({ cwd: tmp.dir, sets: ['task.lrr=0.1'] });
    expect(err.issues[0]).toMatchObject({ path: 'task.lrr', source: '--set task.lrr=0.1' });
    expect(err.message).toContain('--set task.lrr=0.1: task.lrr: unknown key; did you mean task.lr?');
  });

  it('bad --set value is validated like the file', () => {
    const err = loadError({ cwd: tmp.dir, sets: ['model.hidden_dim=big'] });
    expect(err.message).toContain('--set model.hidden_dim=big: model.hidden_dim: got "big" (a string); expected an integer ≥ 1 and ≤ 8192');
  });

  it('malformed --set (no "=", bad key, no value, bad YAML)', () => {
    expect(loadError({ cwd: tmp.dir, sets: ['task.lr'] }).message).toContain('--set task.lr: expected key=value');
    expect(loadError({ cwd: tmp.dir, sets: ['=3'] }).message).toContain('is not a key path');
    expect(loadError({ cwd: tmp.dir, sets: ['task.lr='] }).message).toContain('no value after "="');
    expect(loadError({ cwd: tmp.dir, sets: ['data.channels=[0,'] }).message).toContain('is not valid YAML');
  });

  it('bad seed from the command line', () => {
    const err = loadError({ cwd: tmp.dir, seed: -3 });
    expect(err.message).toContain('--seed: environment.seed: got -3; expected an integer ≥ 0 and ≤ 2147483647');
    expect(loadError({ cwd: tmp.dir, seed: Number.NaN }).message).toContain('got NaN');
  });

  it('bad --scale', () => {
    const err = loadError({ cwd: tmp.dir, scale: 'huge' as never });
    expect(err.message).toContain('--scale: scale: got "huge"; expected one of "quick", "medium", "full"');
  });

  it('files source without a path', () => {
    const err = fromFile('data:\n  source: files\n');
    expect(err.message).toContain('run.yaml:2: data.source: is files but no data.path is given');
  });

  it('collects every problem at once', () => {
    const err = fromFile('task:\n  lr: 0\n  optimizer: sgd\nmodel:\n  hidden: 3\n');
    expect(err.issues).toHaveLength(3);
    expect(err.message).toContain('Invalid run configuration (3 problems)');
  });
});

describe('files that are fine but odd', () => {
  it('empty file → defaults (synthetic, quick)', () => {
    const { spec, warnings } = loadRunSpec({ cwd: tmp.dir, configPath: tmp.write('empty.yaml', '# nothing\n') });
    expect(warnings).toEqual([]);
    expect(spec.data.source).toBe('synthetic');
    expect(spec.scale).toBe('quick');
    expect(spec.task.epochs).toBe(20);
  });

  it('empty sections read as all defaults', () => {
    const { spec } = loadRunSpec({ cwd: tmp.dir, configPath: tmp.write('s.yaml', 'data:\ntask:\n') });
    expect(spec.data.window_length).toBe(1024);
  });

  it('duplicated key: warning with both lines, last one wins', () => {
    const text = 'data:\n  normalization: minmax\n  window_length: 512\n  normalization: none\n';
    const { spec, warnings } = loadRunSpec({ cwd: tmp.dir, configPath: tmp.write('d.yaml', text) });
    expect(spec.data.normalization).toBe('none');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: 'data.normalization', line: 4 });
    expect(warnings[0].message).toContain('lines 2 and 4');
    expect(warnings[0].message).toContain('"none"');
  });

  it('warnings gathered before an error travel with the ConfigError', () => {
    const err = fromFile('task:\n  lr: 0.1\n  lr: 0.2\n  epochs: 0\n');
    expect(err.warnings.map((w) => w.path)).toContain('task.lr');
  });
});
