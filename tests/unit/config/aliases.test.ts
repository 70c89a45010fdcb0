import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRunSpec } from '../../../src-main/config/index.js';
import { loadError, tempDir } from './helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

// PHM-Vibench configs/demo/Pretraining/Flow/flow_pretrain_basic.yaml, keys and values as published.
const REFERENCE_BASIC = `data:
  data_dir: "data"
  dataset: "CWRU"
  batch_size: 32
  sequence_length: 1024
  channels: 1

model:
  name: "M_04_ISFM_Flow"
  hidden_dim: 256
  time_dim: 64
  condition_dim: 64
  use_conditional: true
  sigma_min: 0.001
  sigma_max: 1.0

task:
  name: "flow_pretrain"
  type: "pretrain"
  num_steps: 100
  flow_lr: 1e-4
  use_contrastive: false
  enable_visualization: false
  track_memory: true
  track_gradients: false
  lr: 1e-4
  weight_decay: 1e-5
  max_epochs: 50

trainer:
  gpus: 1
  precision: 16
  gradient_clip_val: 1.0
  log_every_n_steps: 50
  val_check_interval: 1.0

environment:
  seed: 42
`;

describe('PHM-Vibench keys', () => {
  it("the reference's basic YAML loads, with warnings only", () => {
    const { spec, warnings } = loadRunSpec({ cwd: tmp.dir, configPath: tmp.write('ref.yaml', REFERENCE_BASIC) });
    expect(spec.data.window_length).toBe(1024);
    expect(spec.task.batch_size).toBe(32);
    expect(spec.task.epochs).toBe(50); // explicit in the file: beats the quick preset
    expect(spec.task.gradient_clipping).toBe(1.0);
    expect(spec.task.use_conditional).toBe(true);
    expect(spec.task.datasets).toEqual(['CWRU']);
    expect(spec.data.source).toBe('files');
    expect(spec.data.path).toBe(`${tmp.dir}/data`);
    expect(spec.data.channels).toBeNull();
    expect(spec.model.sample_steps).toBe(100);
    const byPath = new Map(warnings.map((w) => [w.path, w]));
    expect(byPath.get('data.sequence_length')?.message).toContain('read as data.window_length');
    expect(byPath.get('data.sequence_length')?.line).toBe(5);
    expect(byPath.get('task.max_epochs')?.message).toContain('read as task.epochs');
    expect(byPath.get('trainer.gradient_clip_val')?.message).toContain('read as task.gradient_clipping');
    expect(byPath.get('task.track_memory')?.message).toContain('ignored');
    expect(byPath.get('trainer.gpus')?.message).toContain('ignored');
    expect(byPath.get('task.flow_lr')?.message).toContain('task.lr wins');
  });

  it('channels as a count becomes indices', () => {
    const { spec, warnings } = loadRunSpec({ cwd: tmp.dir, sets: ['data.channels=3'] });
    expect(spec.data.channels).toEqual([0, 1, 2]);
    expect(warnings[0].message).toContain('given as a count (3)');
  });

  it('an alias in --set is read too, and its bad value names both keys', () => {
    expect(loadRunSpec({ cwd: tmp.dir, sets: ['data.sequence_length=2048'] }).spec.data.window_length).toBe(2048);
    const err = loadError({ cwd: tmp.dir, configPath: tmp.write('r.yaml', 'data:\n  sequence_length: 4\n') });
    expect(err.message).toContain('r.yaml:2: data.sequence_length (read as data.window_length): got 4; expected an integer ≥ 8');
  });

  it('our key wins over its alias', () => {
    const file = tmp.write('r.yaml', 'task:\n  epochs: 3\n  max_epochs: 50\n');
    const { spec, warnings } = loadRunSpec({ cwd: tmp.dir, configPath: file });
    expect(spec.task.epochs).toBe(3);
    expect(warnings[0].message).toContain('task.epochs is also given');
  });

  it('real typos next to reference keys still fail', () => {
    const err = loadError({ cwd: tmp.dir, configPath: tmp.write('r.yaml', 'task:\n  track_memroy: true\n') });
    expect(err.message).toContain('task.track_memroy: unknown key');
  });
});
