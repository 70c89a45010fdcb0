import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunSpec } from '../../../src-main/config/index.js';

const root = resolve(import.meta.dirname, '../../..');

describe('configs/*.yaml templates', () => {
  it.each(['basic', 'small', 'full'])('flow_pretrain_%s loads with no errors and no warnings', (name) => {
    const configPath = `configs/flow_pretrain_${name}.yaml`;
    const { spec, warnings, sources } = loadRunSpec({ cwd: root, configPath });
    expect(warnings).toEqual([]);
    expect(sources.text).toBe(readFileSync(resolve(root, configPath), 'utf8'));
    expect(spec.data.source).toBe('synthetic');
    expect(spec.task.type).toBe('pretrain');
  });

  it('basic --scale quick is a short flow-only run', () => {
    const { spec, warnings } = loadRunSpec({ cwd: root, configPath: 'configs/flow_pretrain_basic.yaml', scale: 'quick' });
    expect(warnings).toEqual([]);
    expect(spec.task.use_contrastive).toBe(false);
    expect(spec.task.epochs * (spec.trainer.steps_per_epoch ?? Infinity)).toBeLessThanOrEqual(1000);
    expect(spec.data.max_windows_per_file).toBe(200);
  });

  it('small is contrastive at the medium scale; full is the production setting', () => {
    const small = loadRunSpec({ cwd: root, configPath: 'configs/flow_pretrain_small.yaml' }).spec;
    expect(small.task.use_contrastive).toBe(true);
    expect(small.scale).toBe('medium');
    const full = loadRunSpec({ cwd: root, configPath: 'configs/flow_pretrain_full.yaml' }).spec;
    expect(full.scale).toBe('full');
    expect(full.task.epochs).toBeGreaterThanOrEqual(1000);
    expect(full.trainer.steps_per_epoch).toBeNull();
    // The synthetic generator is one dataset: the scale's dataset list applies to real data only.
    expect(full.task.datasets).toBeNull();
    const fullOnFiles = loadRunSpec({ cwd: root, configPath: 'configs/flow_pretrain_full.yaml', data: '../shared/data/cwru' }).spec;
    expect(fullOnFiles.task.datasets).toEqual(['CWRU', 'IMS', 'XJTU', 'PU', 'HUST']);
    expect(fullOnFiles.task.max_datasets).toBeNull();
    const smallOnFiles = loadRunSpec({ cwd: root, configPath: 'configs/flow_pretrain_small.yaml', data: '../shared/data/cwru' }).spec;
    expect(smallOnFiles.task).toMatchObject({ datasets: ['CWRU', 'IMS'], max_datasets: 2 });
  });

  it('--data points a template at CWRU', () => {
    const { spec } = loadRunSpec({ cwd: root, configPath: 'configs/flow_pretrain_basic.yaml', data: '../shared/data/cwru' });
    expect(spec.data.source).toBe('files');
    expect(spec.data.path).toBe(resolve(root, '../shared/data/cwru'));
  });
});
