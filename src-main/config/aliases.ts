/**
 * PHM-Vibench parity: keys the reference's own YAMLs use are read as ours (with a warning
 * saying so), and reference keys that mean nothing here are accepted and ignored (with a
 * warning saying why). Only the reference's known keys get this; real typos still fail.
 */
import type { ConfigWarning } from './errors.js';
import { deletePath, formatPath, getPath, hasPath, setPath, type PlainObject } from './paths.js';

/** Largest data.channels given as a count that is read as channel indices. */
const MAX_CHANNEL_COUNT = 1024;

/** One source of explicit keys: the config file, or one command-line override. */
export interface Layer {
  source: string;
  value: PlainObject;
  /** formatPath(path) → line in the source file (file layers only). */
  lines: Map<string, number>;
  /** Our key path → the reference key it was read from (for error messages). */
  aliasOf: Map<string, string>;
}

interface Alias {
  from: string;
  to: string;
  /** Turns the reference's value into ours; return undefined to leave it unchanged. */
  convert?: (value: unknown) => unknown;
  /** Also set these keys (when the layer did not give them). */
  implies?: Record<string, unknown>;
  /** Keep the reference key too (it is also a schema key, kept for the record). */
  keep?: boolean;
}

const ALIASES: Alias[] = [
  { from: 'data.sequence_length', to: 'data.window_length' },
  { from: 'data.window_size', to: 'data.window_length' },
  { from: 'data.batch_size', to: 'task.batch_size' },
  { from: 'data.num_window', to: 'data.max_windows_per_file' },
  { from: 'data.data_dir', to: 'data.path', implies: { 'data.source': 'files' } },
  { from: 'data.dataset', to: 'task.datasets', convert: (v) => (typeof v === 'string' ? [v] : v) },
  { from: 'model.use_conditional', to: 'task.use_conditional' },
  { from: 'task.max_epochs', to: 'task.epochs' },
  { from: 'trainer.max_epochs', to: 'task.epochs' },
  { from: 'task.flow_lr', to: 'task.lr' },
  { from: 'task.num_steps', to: 'model.sample_steps' },
  { from: 'task.flow_weight', to: 'task.flow_loss_weight' },
  { from: 'task.contrastive_weight', to: 'task.contrastive_loss_weight' },
  { from: 'task.scheduler_type', to: 'task.lr_scheduler' },
  { from: 'trainer.early_stopping', to: 'task.early_stopping' },
  { from: 'trainer.es_patience', to: 'task.es_patience' },
  { from: 'trainer.accumulate_grad_batches', to: 'task.accumulate_grad_batches' },
  { from: 'trainer.gradient_clip_val', to: 'task.gradient_clipping', keep: true },
  { from: 'task.contrastive_temperature', to: 'task.temperature' },
  { from: 'task.contrastive_hidden_dim', to: 'task.projection_hidden_dim' },
  { from: 'task.augmentation_noise_std', to: 'task.augmentations.gaussian_noise.sigma' },
  { from: 'task.augmentation_jitter_std', to: 'task.augmentations.jitter.sigma' },
];

const IGNORED: Record<string, string> = {
  'data.num_workers': 'windows are loaded inside the engine process, without a worker pool',
  'data.pin_memory': 'there is no CUDA host memory to pin here',
  'data.metadata_file': 'point data.path at the folder or manifest CSV instead',
  'task.enable_visualization': 'figures are drawn from the run history (app or `flowbench` reports)',
  'task.save_plots': 'figures are drawn from the run history (app or `flowbench` reports)',
  'task.track_memory': 'every run records what the engine measures in its events',
  'task.track_gradients': 'every run records what the engine measures in its events',
  'task.use_gradient_balancing': "the reference's balancing collapsed both weights to 0; choose task.balancing: fixed | uncertainty | gradnorm",
  'task.augmentation_scaling_range': 'set task.augmentations.scaling.low and .high',
  'task.quality_assessment_frequency': 'quality is evaluated after training (`flowbench evaluate`)',
  'task.generation_samples': 'quality is evaluated after training (`flowbench evaluate`)',
  'task.use_scheduler': 'task.lr_scheduler decides (constant for none)',
  'trainer.save_top_k': 'checkpoints are kept by the checkpoint policy (newest verified ones)',
  'environment.output_dir': 'runs and checkpoints live in the Flowbench run history',
  'environment.project': 'runs live in the Flowbench run history; name a run with the top-level name key',
  'environment.notes': 'name a run with the top-level name key',
  'environment.iterations': 'repeat a run with a different --seed instead',
  'environment.wandb': 'runs are tracked in the local SQLite history',
  'environment.swanlab': 'runs are tracked in the local SQLite history',
};

/** Schema keys kept only so reference YAMLs load; their values change nothing. */
const PARITY_ONLY: Record<string, string> = {
  'trainer.gpus': 'the backend (and device) is picked at run time',
  'trainer.precision': 'the backend decides the float precision (float32)',
  'trainer.val_check_interval': 'validation runs once per epoch',
  'model.sigma_min': 'rectified flow here is deterministic',
  'model.sigma_max': 'rectified flow here is deterministic',
};

const split = (p: string): string[] => p.split('.');

/** Rewrites reference keys in a layer, in place; returns the warnings to show. */
export function applyAliases(layer: Layer): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const v = layer.value;
  const warn = (path: string, message: string, lineKey = path): void => {
    warnings.push({ path, message, source: layer.source, line: layer.lines.get(lineKey) });
  };

  for (const alias of ALIASES) {
    const from = split(alias.from);
    if (!hasPath(v, from)) continue;
    const given = getPath(v, from);
    const to = split(alias.to);
    if (hasPath(v, to) && !alias.keep) {
      warn(alias.from, `PHM-Vibench key ignored because ${alias.to} is also given (${alias.to} wins)`);
      deletePath(v, from);
      continue;
    }
    if (hasPath(v, to)) continue; // keep + target given: the target already decides
    setPath(v, to, alias.convert ? alias.convert(given) : given);
    layer.aliasOf.set(alias.to, alias.from);
    const line = layer.lines.get(alias.from);
    if (line !== undefined) layer.lines.set(alias.to, line);
    const extra: string[] = [];
    for (const [key, value] of Object.entries(alias.implies ?? {})) {
      if (hasPath(v, split(key))) continue;
      setPath(v, split(key), value);
      extra.push(`${key}: ${JSON.stringify(value)}`);
    }
    if (!alias.keep) deletePath(v, from);
    const also = extra.length ? ` (and ${extra.join(', ')})` : '';
    warn(alias.from, `PHM-Vibench key, read as ${alias.to}${also}; write ${alias.to} to silence this`);
  }

  // data.channels as a count (the reference's `channels: 1`) → channel indices.
  const channels = getPath(v, ['data', 'channels']);
  // Only plausible counts: a huge number is a mistake for the schema to report, not an array to build.
  if (typeof channels === 'number' && Number.isInteger(channels) && channels >= 1 && channels <= MAX_CHANNEL_COUNT) {
    const indices = Array.from({ length: channels }, (_, i) => i);
    setPath(v, ['data', 'channels'], channels === 1 ? null : indices);
    const meaning = channels === 1 ? 'null (the signal_key channel)' : JSON.stringify(indices);
    warn('data.channels', `given as a count (${channels}), PHM-Vibench style; read as ${meaning}`);
  }

  for (const [path, why] of Object.entries(IGNORED)) {
    if (deletePath(v, split(path))) warn(path, `PHM-Vibench key accepted and ignored: ${why}`);
  }
  for (const [path, why] of Object.entries(PARITY_ONLY)) {
    const value = getPath(v, split(path));
    if (value !== undefined && value !== null) warn(path, `accepted for PHM-Vibench parity and ignored: ${why}`);
  }
  return warnings;
}

/** The reference key a path was read from, e.g. `data.sequence_length (read as data.window_length)`. */
export function describeAliased(layer: Layer | undefined, path: string): string {
  const from = layer?.aliasOf.get(path);
  return from ? `${from} (read as ${path})` : path;
}

