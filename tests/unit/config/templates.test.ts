import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRunSpec } from '../../../src-main/config/index.js';

const root = resolve(import.meta.dirname, '../../..');

describe('configs/*.yaml templates', () => {
  it.each(['basic', 'small', 'full', 'reference_mlp'])('flow_pretrain_%s loads with no errors and no warnings', (name) => {
    const configPath = `configs/flow_pretrain_${name}.yaml`;
    const { spec, warnings, sources } = loadRunSpec({ cwd: root, configPath });
    expect(warnings).toEqual([]);
    expect(sources.text).toBe(readFileSync(resolve(root, configPath), 'utf8'));
    expect(spec.data.source).toBe('synthetic');
    expect(spec.task.type).toBe('pretrain');
  });

  // Defaults that learn (issue 11): the shipped templates train the label-conditioned DiT with
  // EMA weights; the reference MLP is a named parity config, identical to basic otherwise.
  it.each(['basic', 'small', 'full'])('flow_pretrain_%s defaults to the label-conditioned DiT with EMA', (name) => {
    const { spec } = loadRunSpec({ cwd: root, configPath: `configs/flow_pretrain_${name}.yaml` });
    expect(spec.model.velocity_net).toBe('dit');
    expect(spec.model.conditions).toContain('label');
    expect(spec.model.condition_dropout).toBeGreaterThan(0);
    expect(spec.model.ema_decay).toBe(0.999);
    expect(spec.data.window_length % spec.model.patch_size).toBe(0);
  });

  it('flow_pretrain_reference_mlp is basic with the reference MLP and its conditions', () => {
    const mlp = loadRunSpec({ cwd: root, configPath: 'configs/flow_pretrain_reference_mlp.yaml' }).spec;
    const basic = loadRunSpec({ cwd: root, configPath: 'configs/flow_pretrain_basic.yaml' }).spec;
    expect(mlp.model).toMatchObject({ velocity_net: 'mlp', conditions: ['domain', 'dataset'], ema_decay: 0 });
    expect({ ...mlp, name: basic.name, model: basic.model }).toEqual(basic);
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
