/**
 * Engine → host events, declared once as zod schemas: the engine emits them, the host
 * checks each as it arrives (host/engine-link/engine-process.ts), the preload contract forwards them
 * (src-preload/contract.ts) and the renderer's stores read them. They are also the public
 * JSON-lines contract of `flowbench train --json`: every event has `event`, `run_id`, `step`.
 *
 * Which fields are metrics is declared here (STEP_METRICS, EPOCH_METRICS): the recorder
 * stores exactly those in SQLite and the dashboard keeps a series for each, so a metric
 * added here reaches SQLite, the terminal and the dashboard with no second declaration.
 *
 * Platform-neutral (zod and config/enums.ts only): the renderer imports it through the contract.
 */
import { z } from 'zod';
import { CHECKPOINT_KINDS, FINISHED_STATUSES } from '../../config/enums.js';

/**
 * Any JS number, NaN and ±Infinity included: a diverging loss must cross the boundary as it
 * is (zod's z.number() refuses non-finite values). IPC uses structured clone, which keeps them.
 */
const num = () => z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' });

const eventBase = {
  run_id: z.string(),
  /** Optimiser step count at the time of the event (0 before the first step). */
  step: num(),
  /** ISO time the engine emitted the event. */
  time: z.string(),
};

/** Per-step metrics, every metric under its own name (SQLite rows, dashboard series). */
export const STEP_METRICS = {
  flow_loss: num(),
  contrastive_loss: num().optional(),
  total_loss: num(),
  flow_weight: num(),
  contrastive_weight: num(),
  lr: num(),
  grad_norm: num(),
  steps_per_s: num(),
  num_tensors: num(),
  rss_mb: num(),
  eta_s: num(),
  /** Kendall uncertainty weighting: learnable log-variances s_i (weights = exp(−s_i)). */
  log_var_flow: num().optional(),
  log_var_contrastive: num().optional(),
  /** GradNorm: each task's weighted gradient norm on the shared layer, and its target. */
  gradnorm_norm_flow: num().optional(),
  gradnorm_norm_contrastive: num().optional(),
  gradnorm_target_flow: num().optional(),
  gradnorm_target_contrastive: num().optional(),
  /** Present on steps where a validation ran (trainer.val_every_n_steps). */
  val_flow_loss: num().optional(),
  val_contrastive_loss: num().optional(),
  val_total_loss: num().optional(),
};

/** Per-epoch metrics. */
export const EPOCH_METRICS = {
  train_flow_loss: num(),
  train_total_loss: num(),
  val_flow_loss: num().nullable(),
  /** Contrastive branch (task.use_contrastive): mean NT-Xent over the epoch / validation. */
  train_contrastive_loss: num().optional(),
  val_contrastive_loss: num().optional(),
  /** Weighted total on validation, with the balancing weights at that point. */
  val_total_loss: num().optional(),
  flow_weight: num().optional(),
  contrastive_weight: num().optional(),
  /** Early stopping: checks since the monitored metric last improved. */
  es_bad_checks: num().optional(),
  skipped_batches: num(),
  skipped_windows: num(),
  num_tensors: num(),
  seconds: num(),
};

/** The metric names of each scope, read from the declarations above. */
export const METRIC_NAMES = {
  step: Object.keys(STEP_METRICS) as (keyof typeof STEP_METRICS)[],
  epoch: Object.keys(EPOCH_METRICS) as (keyof typeof EPOCH_METRICS)[],
};

export const startedEventSchema = z.object({
  ...eventBase,
  event: z.literal('started'),
  backend: z.string(),
  /** Why faster backends were not used, e.g. {"tensorflow-gpu": "not installed"}. */
  backend_skipped: z.record(z.string(), z.string()),
  /** Threads the backend computes on (wasm: XNNPACK's pool). */
  backend_threads: num(),
  versions: z.record(z.string(), z.string()),
  params: num(),
  total_steps: num(),
  epochs: num(),
  steps_per_epoch: num(),
});

export const dataEventSchema = z.object({
  ...eventBase,
  event: z.literal('data'),
  manifest_hash: z.string(),
  files: num(),
  windows: z.object({ train: num(), val: num(), test: num() }),
  window_length: num(),
  channels: num(),
  classes: z.array(z.string()),
  domains: z.array(z.string()),
  datasets: z.array(z.string()),
  /** Windows rejected while preparing (NaN/Inf, amplitude, shape). */
  skipped_windows: num(),
});

export const stepEventSchema = z.object({
  ...eventBase,
  event: z.literal('step'),
  epoch: num(),
  total_steps: num(),
  ...STEP_METRICS,
});

export const epochEventSchema = z.object({
  ...eventBase,
  event: z.literal('epoch'),
  epoch: num(),
  epochs: num(),
  ...EPOCH_METRICS,
});

export const checkpointEventSchema = z.object({
  ...eventBase,
  event: z.literal('checkpoint'),
  epoch: num(),
  path: z.string(),
  sha256: z.string(),
  bytes: num(),
  kind: z.enum(CHECKPOINT_KINDS),
  stable: z.boolean(),
  val_flow_loss: num().nullable(),
  train_flow_loss: num().nullable(),
  /** Older checkpoint files deleted after this one was verified (keep-N + best). */
  pruned: z.array(z.string()).optional(),
  /** Why `stable` is false. */
  unstable_reason: z.string().optional(),
});

export const recoveryEventSchema = z.object({
  ...eventBase,
  event: z.literal('recovery'),
  kind: z.string(),
  details: z.record(z.string(), z.unknown()),
  outcome: z.string(),
});

export const logEventSchema = z.object({
  ...eventBase,
  event: z.literal('log'),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
});

export const sampledEventSchema = z.object({
  ...eventBase,
  event: z.literal('sampled'),
  out_path: z.string(),
  count: num(),
  window_length: num(),
  channels: num(),
  seconds: num(),
  /** How the windows were drawn (absent in events from before these existed). */
  sampler: z.string().optional(),
  sample_steps: num().optional(),
  guidance_scale: num().optional(),
  ema: z.boolean().optional(),
});

/** One protocol's results (nested MetricResult leaves, protocol/evaluation.ts). */
export const evaluationEventSchema = z.object({
  ...eventBase,
  event: z.literal('evaluation'),
  /** setup | linear_probe | few_shot | cross_condition | baselines | anomaly | generation | figures | fewshot_train */
  section: z.string(),
  results: z.record(z.string(), z.unknown()),
  seconds: num(),
});

/** The loop entered (paused: true) or left (false) a pause between steps. */
export const pausedEventSchema = z.object({
  ...eventBase,
  event: z.literal('paused'),
  paused: z.boolean(),
});

/** One curve of a preview: y[i] at x[i] (time in s, or frequency in Hz; samples / cycles per sample when fs is unknown). */
export const previewCurveSchema = z.object({ x: z.array(num()), y: z.array(num()) });
export type PreviewCurve = z.infer<typeof previewCurveSchema>;

/**
 * Real validation windows next to windows generated with the current weights (short
 * Euler integration), channel 0, downsampled for transport, with their magnitude spectra.
 * Every trainer.preview_every_n_steps steps. Not a metric: the recorder stores no rows.
 */
export const previewEventSchema = z.object({
  ...eventBase,
  event: z.literal('preview'),
  real: z.array(previewCurveSchema),
  generated: z.array(previewCurveSchema),
  real_spectra: z.array(previewCurveSchema),
  generated_spectra: z.array(previewCurveSchema),
  /** Axis units: 's' / 'Hz' when the sample rate is known, else 'samples' / 'cycles/sample'. */
  time_unit: z.string(),
  freq_unit: z.string(),
  sample_steps: num(),
  /** Wall time the preview took in the engine (its cost to training). */
  seconds: num(),
});

export const finishedEventSchema = z.object({
  ...eventBase,
  event: z.literal('finished'),
  status: z.enum(FINISHED_STATUSES),
  /** Human-readable reason for failed/stopped. */
  reason: z.string().optional(),
  /** True when the failure was bad input (a data or config error): the CLI exits 2, not 1. */
  bad_input: z.boolean().optional(),
  seconds: num(),
  final: z.object({ flow_loss: num().optional(), val_flow_loss: num().nullable().optional(), total_loss: num().optional() }).optional(),
});

export const engineEventSchema = z.discriminatedUnion('event', [
  startedEventSchema, dataEventSchema, stepEventSchema, epochEventSchema, checkpointEventSchema, recoveryEventSchema,
  logEventSchema, sampledEventSchema, evaluationEventSchema, pausedEventSchema, previewEventSchema, finishedEventSchema,
]);

/** Every event name, in declaration order (what the contract's event schema accepts). */
export const ENGINE_EVENT_NAMES = engineEventSchema.options.map((o) => o.shape.event.value) as EngineEventName[];

export type StartedEvent = z.infer<typeof startedEventSchema>;
export type DataEvent = z.infer<typeof dataEventSchema>;
export type StepEvent = z.infer<typeof stepEventSchema>;
export type EpochEvent = z.infer<typeof epochEventSchema>;
export type CheckpointEvent = z.infer<typeof checkpointEventSchema>;
export type RecoveryEvent = z.infer<typeof recoveryEventSchema>;
export type LogEvent = z.infer<typeof logEventSchema>;
export type SampledEvent = z.infer<typeof sampledEventSchema>;
export type EvaluationEvent = z.infer<typeof evaluationEventSchema>;
export type PausedEvent = z.infer<typeof pausedEventSchema>;
export type PreviewEvent = z.infer<typeof previewEventSchema>;
export type FinishedEvent = z.infer<typeof finishedEventSchema>;
export type EngineEvent = z.infer<typeof engineEventSchema>;
export type EngineEventName = EngineEvent['event'];

/** Distributive Omit so each member of the union keeps its own fields. */
export type EventPayload<E extends EngineEvent = EngineEvent> = E extends EngineEvent
  ? Omit<E, 'run_id' | 'step' | 'time'>
  : never;
