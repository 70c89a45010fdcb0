/**
 * The RunSpec: one typed schema for everything a run reads. Every key has a commented
 * default; presets (scales, templates) are small overrides of it. Unknown keys are
 * rejected (strict objects) so typos never pass silently.
 *
 * Section and key names follow the PHM-Vibench seed YAMLs (REFERENCE.md) where they exist.
 */
import { z } from 'zod';
import { dataPathSchema } from './data-sources.js';
import { BALANCINGS, DATA_LAYOUTS, SCALES } from './enums.js';

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).lt(1);

export const scaleSchema = z.enum(SCALES);
export type Scale = z.infer<typeof scaleSchema>;

export const environmentSchema = z.strictObject({
  /** Seed for every random draw (data split, shuffling, init, t, noise). */
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
});

/** Compute engines a run may force (engine.backend); auto = the fastest that loads and covers the model. */
export const ENGINE_BACKENDS = ['auto', 'native', 'wasm', 'cpu', 'webgpu'] as const;
export type EngineBackend = (typeof ENGINE_BACKENDS)[number];

export const engineSchema = z.strictObject({
  /**
   * auto: webgpu on a hardware GPU adapter, else native (C++ addon) when it loaded and covers the
   * model, else wasm, else cpu; or force one. FLOWBENCH_BACKEND overrides it.
   */
  backend: z.enum(ENGINE_BACKENDS).default('auto'),
  /** Compute threads of the native engine's BLAS (1 measured fastest at batch 32 on 2 cores). */
  threads: z.number().int().min(1).max(64).default(1),
});

export const syntheticSchema = z.strictObject({
  /** Sampling rate of the generated recordings (Hz). */
  fs_hz: z.number().positive().max(1e6).default(12000),
  /** Seconds per generated recording. */
  seconds: z.number().positive().max(600).default(2),
  /** Recordings per (class, operating condition). */
  files_per_class: positiveInt.max(100).default(2),
  /** Operating conditions: shaft speed and motor load. Two or more make domains. */
  conditions: z
    .array(z.strictObject({ rpm: z.number().positive().max(60000), load_hp: z.number().min(0).max(100) }))
    .min(1)
    .default([
      { rpm: 1797, load_hp: 0 },
      { rpm: 1772, load_hp: 1 },
    ]),
  /** Background noise standard deviation relative to the defect impulse amplitude. */
  noise_std: z.number().min(0).max(10).default(0.3),
});

export const splitSchema = z.strictObject({
  /** file: whole recordings go to one split; segment: contiguous non-overlapping stretches. */
  by: z.enum(['file', 'segment']).default('segment'),
  val_fraction: fraction.default(0.15),
  test_fraction: fraction.default(0.15),
});

export const dataSchema = z.strictObject({
  /** synthetic: the embedded bearing generator; files: a manifest, folder or file at `path`. */
  source: z.enum(['synthetic', 'files']).default('synthetic'),
  /**
   * Folder holding a manifest (LABELS.csv), a manifest CSV, or a single signal file, or
   * {path, signal_key} to give that source its own signal key; a list of them trains on several
   * data sources at once (each keeps its dataset id as a condition). config/data-sources.ts.
   */
  path: dataPathSchema,
  /** Dataset layout convention; auto detects from the manifest or file names. */
  layout: z.enum(DATA_LAYOUTS).default('auto'),
  /** Variable/column name or a suffix of one (e.g. `_DE_time`); null = the manifest's, or the only signal. A data.path source's own signal_key beats it. */
  signal_key: z.string().min(1).nullable().default(null),
  /** Channels by name or index; null = the signal_key channel (or all columns of a CSV). */
  channels: z.array(z.union([z.string().min(1), z.number().int().min(0)])).min(1).nullable().default(null),
  /**
   * Every recording is resampled to this rate (Hz, scipy resample_poly) before windowing; auto:
   * recordings at mixed rates go to the lowest of them (none is upsampled), one rate is kept;
   * null keeps each file's own rate (a warning when they differ).
   */
  resample_hz: z.union([z.number().positive().max(1e6), z.literal('auto')]).nullable().default('auto'),
  /**
   * Corrected sample rates (Hz) of named recordings, applied before resampling: record id (as
   * `flowbench data inspect` lists it, the manifest path, e.g. `12k_DE/Normal_0.mat`) → rate.
   */
  fs_overrides: z.record(z.string().min(1), z.number().positive().max(1e7)).default({}),
  /** Window length in samples (PHM-Vibench: sequence_length). */
  window_length: positiveInt.min(8).max(1 << 20).default(1024),
  /** Hop between window starts; equal to window_length for no overlap. */
  stride: positiveInt.max(1 << 20).default(512),
  /** Cap on windows taken from each recording (evenly spaced); null = all. */
  max_windows_per_file: positiveInt.nullable().default(null),
  normalization: z.enum(['standardization', 'minmax', 'none']).default('standardization'),
  /** Statistics per window or per file (and channel). */
  normalization_scope: z.enum(['window', 'file']).default('file'),
  split: splitSchema.prefault({}),
  /** A window whose |value| exceeds this after normalisation is rejected as invalid. */
  amplitude_limit: z.number().positive().default(1e4),
  synthetic: syntheticSchema.prefault({}),
});

export const modelSchema = z.strictObject({
  name: z.string().min(1).default('M_04_ISFM_Flow'),
  /** Velocity network: mlp is the reference architecture (with scaled time); dit a 1-D patch Transformer (AdaLN-Zero). */
  velocity_net: z.enum(['mlp', 'dit']).default('mlp'),
  /** mlp: hidden width; dit: each block's feed-forward hidden width. */
  hidden_dim: positiveInt.max(8192).default(256),
  /** dit: token width d (divisible by heads). */
  token_dim: positiveInt.max(4096).default(64),
  /** dit: samples per token; must divide data.window_length (a config error otherwise, no padding). */
  patch_size: positiveInt.max(65536).default(32),
  /** dit: number of Transformer blocks. */
  depth: positiveInt.max(64).default(2),
  /** dit: attention heads per block. */
  heads: positiveInt.max(64).default(4),
  /** Conditions the velocity field sees (each with a learned unknown token); the reference used [domain, dataset]. */
  conditions: z.array(z.enum(['domain', 'dataset', 'label', 'sample_rate'])).min(1).max(4).default(['domain', 'dataset']),
  /** Probability that a training window's conditions are all replaced by the unknown tokens (enables CFG). */
  condition_dropout: z.number().min(0).max(1).default(0.1),
  /** Classifier-free guidance w at sampling: v = v_uncond + w·(v_cond − v_uncond); 1 = plain conditional. */
  guidance_scale: z.number().min(0).max(100).default(1),
  /** EMA decay of the weights (shadow updated after each optimiser step, used to sample/evaluate); 0 = off. */
  ema_decay: z.number().min(0).lt(1).default(0),
  time_dim: positiveInt.max(1024).default(64),
  condition_dim: positiveInt.max(1024).default(64),
  /** t in [0,1] is multiplied by this before the sinusoidal embedding (the reference used 1). */
  time_scale: z.number().positive().max(1e6).default(1000),
  /** Accepted for PHM-Vibench parity; rectified flow here is deterministic (unused). */
  sigma_min: z.number().min(0).default(0.001),
  sigma_max: z.number().positive().default(1.0),
  /** ODE solver for sampling and encode-to-noise (orders 1, 2, 4). */
  sampler: z.enum(['euler', 'heun', 'rk4']).default('euler'),
  sample_steps: positiveInt.max(10000).default(50),
});

/** Contrastive view augmentations; defaults follow the reference where it gave them (REFERENCE.md). */
export const augmentationsSchema = z.strictObject({
  /** x + N(0, σ²) per value (reference σ 0.01). */
  gaussian_noise: z.strictObject({ enabled: z.boolean().default(true), sigma: z.number().min(0).max(10).default(0.01) }).prefault({}),
  /** x + N(0, (σ·std(window))²): noise relative to each window's own scale (reference σ 0.03). */
  jitter: z.strictObject({ enabled: z.boolean().default(true), sigma: z.number().min(0).max(10).default(0.03) }).prefault({}),
  /** x · s, s ~ U(low, high) per window (reference U(0.8, 1.2)). */
  scaling: z
    .strictObject({ enabled: z.boolean().default(true), low: z.number().min(0).default(0.8), high: z.number().min(0).default(1.2) })
    .refine((v) => v.low <= v.high, { message: 'scaling.low must be <= scaling.high' })
    .prefault({}),
  /** Circular roll by an integer shift up to ±max_fraction·L. */
  time_shift: z.strictObject({ enabled: z.boolean().default(false), max_fraction: z.number().min(0).max(1).default(0.1) }).prefault({}),
  /** count contiguous masks of fraction·L samples set to zero (reference: one 10 % mask). */
  time_mask: z
    .strictObject({ enabled: z.boolean().default(true), count: z.number().int().min(1).max(64).default(1), fraction: fraction.default(0.1) })
    .prefault({}),
  /** Cut the window into `segments` equal pieces and shuffle them. */
  segment_permutation: z.strictObject({ enabled: z.boolean().default(false), segments: z.number().int().min(2).max(64).default(4) }).prefault({}),
  /** count bands of up to max_fraction of the rfft bins zeroed (in JS with fft.js: wasm has no FFT kernel). */
  frequency_mask: z
    .strictObject({ enabled: z.boolean().default(false), count: z.number().int().min(1).max(16).default(1), max_fraction: fraction.default(0.1) })
    .prefault({}),
});

export const taskSchema = z.strictObject({
  type: z.literal('pretrain').default('pretrain'),
  name: z.literal('flow_pretrain').default('flow_pretrain'),
  /** Condition the velocity field on domain and dataset ids. */
  use_conditional: z.boolean().default(true),
  flow_loss_weight: z.number().min(0).max(1e6).default(1.0),
  use_contrastive: z.boolean().default(false),
  contrastive_loss_weight: z.number().min(0).max(1e6).default(0.1),
  epochs: positiveInt.max(100000).default(100),
  lr: z.number().positive().max(10).default(1e-4),
  batch_size: positiveInt.max(65536).default(32),
  /** PHM-Vibench's name for the scale: small→quick, medium→medium, full→full. */
  validation_scale: z.enum(['small', 'medium', 'full']).nullable().default(null),
  /** Max global gradient norm; 0 disables clipping. */
  gradient_clipping: z.number().min(0).default(1.0),
  early_stopping: z.boolean().default(false),
  /** Validation checks (epochs, or trainer.val_every_n_steps intervals) without improvement before stopping. */
  es_patience: positiveInt.default(10),
  /** An improvement must lower the monitored loss by more than this to reset the patience. */
  es_min_delta: z.number().min(0).default(0),
  /** Validation metric early stopping watches (lower is better). */
  monitor: z.enum(['val_flow_loss', 'val_total_loss']).default('val_flow_loss'),
  /** How the flow and contrastive losses combine (objective/): fixed weights, Kendall uncertainty, GradNorm. */
  balancing: z.enum(BALANCINGS).default('fixed'),
  /** GradNorm asymmetry α: how strongly slower-training tasks get larger gradient norms. */
  gradnorm_alpha: z.number().min(0).max(10).default(1.5),
  /** Adam step size for the GradNorm task weights (their own optimiser). */
  gradnorm_lr: z.number().positive().max(1).default(0.025),
  /** Floor for each GradNorm weight after renormalising to Σw = number of tasks. */
  gradnorm_min_weight: z.number().positive().max(0.5).default(0.05),
  /** Output size of the contrastive projection head (L2-normalised). */
  projection_dim: positiveInt.max(4096).default(128),
  /** Hidden width of the projection head (Linear → LayerNorm → ReLU → Linear). */
  projection_hidden_dim: positiveInt.max(8192).default(256),
  /** NT-Xent temperature τ. */
  temperature: z.number().positive().max(100).default(0.1),
  /** Two augmented views per window for the contrastive branch (contrastive/augmentations.ts). */
  augmentations: augmentationsSchema.prefault({}),
  lr_scheduler: z.enum(['constant', 'cosine', 'warmup_cosine']).default('cosine'),
  warmup_epochs: z.number().int().min(0).default(0),
  optimizer: z.enum(['adamw', 'adam']).default('adamw'),
  weight_decay: z.number().min(0).max(1).default(1e-5),
  accumulate_grad_batches: positiveInt.max(4096).default(1),
  /**
   * Dataset ids the run trains on, in order (as the data sources name them: CWRU, IMS, XJTU, PU,
   * HUST, a manifest's dataset column, synthetic); one the data does not hold is an error, one it
   * holds but this list lacks is left out (logged). null = every dataset of data.path.
   */
  datasets: z.array(z.string().min(1)).min(1).nullable().default(null),
  /** Use only the first N of task.datasets (or of the data's datasets); null = all. The scale sets it (quick 1, medium 2, full all). */
  max_datasets: positiveInt.max(64).nullable().default(null),
  /** Reserved: no domain-adaptation objective exists yet, so true is refused (load-config.ts), never ignored. */
  domain_adaptation: z.boolean().default(false),
  /** Steps between checkpoints; 0 = none by step count (epochs and minutes below still apply). */
  checkpoint_interval: z.number().int().min(0).default(0),
  /** A checkpoint at the end of every epoch, so a crash (kill -9, power loss) costs at most an epoch. */
  checkpoint_every_epoch: z.boolean().default(true),
  /** Minutes of wall time after which a checkpoint is written mid-epoch (long epochs); 0 = never by time. */
  checkpoint_minutes: z.number().min(0).max(1440).default(5),
  /** Newest checkpoints kept per run (plus the best by validation loss and the newest stable one). */
  keep_checkpoints: positiveInt.max(1000).default(3),
  /** A checkpoint is stable when its val loss is at most this × the recent trend (and all is finite). */
  stable_factor: z.number().min(1).max(1e6).default(2.0),
  /** Rollbacks (NaN/Inf loss or gradient) allowed without a stable checkpoint in between before the run fails. */
  max_recoveries: z.number().int().min(0).max(1000).default(3),
  /** Gradient norm above this × its running median is an explosion: clip to that and halve the LR; 0 disables. */
  grad_explosion_factor: z.number().min(0).max(1e9).default(10),
  /** Out of memory halves the batch (doubling accumulation); below this size the run stops. */
  min_batch_size: positiveInt.max(65536).default(1),
});

export const trainerSchema = z.strictObject({
  /** Emit a step event every N optimiser steps. */
  log_every_n_steps: positiveInt.default(10),
  /** Stop after this many optimiser steps (null = epochs decide). */
  max_steps: positiveInt.nullable().default(null),
  /** Cap on optimiser steps per epoch (null = one pass over the training windows). */
  steps_per_epoch: positiveInt.nullable().default(null),
  /** Engine RSS (MiB) above which the batch is halved like an out-of-memory error; null = no budget. */
  memory_budget_mb: z.number().positive().max(1e7).nullable().default(null),
  /** Accepted for PHM-Vibench parity. gpus/precision are decided by the backend found at run time. */
  gradient_clip_val: z.number().min(0).nullable().default(null),
  gpus: z.number().int().min(0).nullable().default(null),
  precision: z.union([z.literal(16), z.literal(32), z.literal('16-mixed'), z.literal('32')]).nullable().default(null),
  val_check_interval: z.number().positive().nullable().default(null),
  /** Validate every N optimiser steps (val_* fields on that step event); null = once per epoch. */
  val_every_n_steps: positiveInt.nullable().default(null),
  /** Real vs generated windows (and spectra) for the live dashboard every N steps; 0 = off. */
  preview_every_n_steps: z.number().int().min(0).default(200),
});

export const runSpecSchema = z.strictObject({
  /** Free-text name shown in the history. */
  name: z.string().min(1).max(200).nullable().default(null),
  scale: scaleSchema.default('quick'),
  environment: environmentSchema.prefault({}),
  data: dataSchema.prefault({}),
  model: modelSchema.prefault({}),
  task: taskSchema.prefault({}),
  trainer: trainerSchema.prefault({}),
  engine: engineSchema.prefault({}),
});

export type RunSpec = z.infer<typeof runSpecSchema>;
export type DataSpec = RunSpec['data'];
export type ModelSpec = RunSpec['model'];
export type TaskSpec = RunSpec['task'];
export type TrainerSpec = RunSpec['trainer'];
export type EngineSpec = RunSpec['engine'];
