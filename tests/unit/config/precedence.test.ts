import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCALE_PRESETS, loadRunSpec } from '../../../src-main/config/index.js';
import { loadError, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('precedence: defaults < scale preset < file < --data/--seed < --set', () => {
  it('no config file → schema defaults with the quick preset', () => {
    const { spec, sources } = loadRunSpec({ cwd: tmp.dir });
    expect(sources).toEqual({ configPath: null, text: null });
    expect(spec.scale).toBe('quick');
    expect(spec.data.source).toBe('synthetic');
    expect(spec.task.epochs).toBe(SCALE_PRESETS.quick.task.epochs);
    expect(spec.data.max_windows_per_file).toBe(200);
    expect(spec.trainer.steps_per_epoch).toBe(50);
    expect(spec.task.lr).toBe(1e-4); // a schema default the preset does not touch
  });

  it('the preset fills keys; explicit keys in the file win, including an explicit null', () => {
    const file = tmp.write('r.yaml', 'task:\n  epochs: 7\ndata:\n  max_windows_per_file: null\n');
    const { spec } = loadRunSpec({ cwd: tmp.dir, configPath: file, scale: 'medium' });
    expect(spec.scale).toBe('medium');
    expect(spec.task.epochs).toBe(7);
    expect(spec.data.max_windows_per_file).toBeNull();
    expect(spec.trainer.steps_per_epoch).toBe(200); // still from the medium preset
  });

  it('--set beats the file, --seed beats the file, later --set beats earlier', () => {
    const file = tmp.write('r.yaml', 'environment: {seed: 1}\ntask:\n  lr: 0.001\n  epochs: 7\n');
    const { spec } = loadRunSpec({
      cwd: tmp.dir,
      configPath: file,
      seed: 5,
      sets: ['task.lr=3e-4', 'task.epochs=9', 'task.epochs=11', 'data.channels=[0, 1]'],
    });
    expect(spec.environment.seed).toBe(5);
    expect(spec.task.lr).toBe(3e-4);
    expect(spec.task.epochs).toBe(11);
    expect(spec.data.channels).toEqual([0, 1]);
  });

  it('--set beats --seed', () => {
    const { spec } = loadRunSpec({ cwd: tmp.dir, seed: 5, sets: ['environment.seed=6'] });
    expect(spec.environment.seed).toBe(6);
  });

  it('--data switches to files and resolves the path against cwd', () => {
    const { spec } = loadRunSpec({ cwd: tmp.dir, data: 'cwru' });
    expect(spec.data.source).toBe('files');
    expect(spec.data.path).toBe(`${tmp.dir}/cwru`);
  });

  it('a --set value that is a mapping merges into the section', () => {
    const { spec } = loadRunSpec({ cwd: tmp.dir, sets: ['data.split={by: file}'] });
    expect(spec.data.split.by).toBe('file');
    expect(spec.data.split.val_fraction).toBe(0.15);
  });
});

describe('scales and task.validation_scale', () => {
  it.each([
    ['small', 'quick'],
    ['medium', 'medium'],
    ['full', 'full'],
  ])('validation_scale %s → scale %s', (vs, scale) => {
    const file = tmp.write('r.yaml', `task:\n  validation_scale: ${vs}\n`);
    const { spec, warnings } = loadRunSpec({ cwd: tmp.dir, configPath: file });
    expect(spec.scale).toBe(scale);
    expect(spec.task.epochs).toBe(SCALE_PRESETS[scale as 'quick'].task.epochs);
    expect(warnings).toEqual([]);
  });

  it('--scale wins over validation_scale, with a warning', () => {
    const file = tmp.write('r.yaml', 'task:\n  validation_scale: full\n');
    const { spec, warnings } = loadRunSpec({ cwd: tmp.dir, configPath: file, scale: 'quick' });
    expect(spec.scale).toBe('quick');
    expect(spec.task.epochs).toBe(20);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ path: 'task.validation_scale', line: 2 });
    expect(warnings[0].message).toContain('--scale quick wins');
  });

  it('agreeing scale and validation_scale give no warning', () => {
    const file = tmp.write('r.yaml', 'scale: quick\ntask:\n  validation_scale: small\n');
    expect(loadRunSpec({ cwd: tmp.dir, configPath: file, scale: 'quick' }).warnings).toEqual([]);
  });

  it('a top-level scale key in the file picks the preset; --set scale beats --scale', () => {
    const file = tmp.write('r.yaml', 'scale: full\n');
    expect(loadRunSpec({ cwd: tmp.dir, configPath: file }).spec.trainer.steps_per_epoch).toBeNull();
    const { spec } = loadRunSpec({ cwd: tmp.dir, configPath: file, scale: 'medium', sets: ['scale=quick'] });
    expect(spec.scale).toBe('quick');
    expect(spec.task.max_datasets).toBe(1);
  });

  it('an invalid scale key in the file is reported, not silently replaced', () => {
    const err = loadError({ cwd: tmp.dir, configPath: tmp.write('r.yaml', 'scale: huge\n') });
    expect(err.message).toContain('r.yaml:1: scale: got "huge" (a string); expected one of "quick", "medium", "full"');
  });

  it('presets are within the schema and quick is small', () => {
    for (const scale of ['quick', 'medium', 'full'] as const) {
      expect(loadRunSpec({ cwd: tmp.dir, scale }).spec.scale).toBe(scale);
    }
    const q = SCALE_PRESETS.quick;
    expect((q.task.epochs as number) * (q.trainer.steps_per_epoch as number)).toBeLessThanOrEqual(2000);
    expect(SCALE_PRESETS.full.trainer.steps_per_epoch).toBeNull();
    expect(SCALE_PRESETS.full.task.epochs as number).toBeGreaterThanOrEqual(1000);
  });
});

describe('several data sources and dataset keys', () => {
  it('--data given twice makes data.path a list of absolute paths; the medium scale asks for CWRU + IMS on real data only', () => {
    const { spec } = loadRunSpec({ cwd: tmp.dir, data: ['cwru', 'ims'], scale: 'medium' });
    expect(spec.data).toMatchObject({ source: 'files', path: [`${tmp.dir}/cwru`, `${tmp.dir}/ims`] });
    expect(spec.task).toMatchObject({ datasets: ['CWRU', 'IMS'], max_datasets: 2 });
    // The synthetic generator is one dataset: the preset's list does not apply to it.
    expect(loadRunSpec({ cwd: tmp.dir, scale: 'medium' }).spec.task.datasets).toBeNull();
    // A list in a config file is resolved against the working directory too.
    const file = tmp.write('r.yaml', 'data:\n  source: files\n  path: [a, /abs/b]\n');
    expect(loadRunSpec({ cwd: tmp.dir, configPath: file }).spec.data.path).toEqual([`${tmp.dir}/a`, '/abs/b']);
  });

  it('task.domain_adaptation: true is refused with the file and line, never silently ignored', () => {
    const file = tmp.write('r.yaml', 'task:\n  lr: 0.001\n  domain_adaptation: true\n');
    const err = loadError({ cwd: tmp.dir, configPath: file });
    expect(err.issues[0]).toMatchObject({ path: 'task.domain_adaptation', line: 3 });
    expect(err.message).toContain('no domain-adaptation objective exists yet');
    expect(err.message).toContain('set it to false');
  });
});
