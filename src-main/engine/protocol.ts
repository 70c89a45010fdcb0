/**
 * The messages between a host (CLI, Electron main, tests) and the engine process.
 * The engine process is started with child_process.fork (or Electron's utilityProcess)
 * and talks only through these. Engine events are also the public JSON-lines contract
 * of `flowbench train --json`: every event has `event`, `run_id` and `step`.
 */
import type { RunSpec } from '../config/schema.js';

// ---------------------------------------------------------------- host → engine

export interface TrainRequest {
  type: 'train';
  run_id: string;
  /** Resolved, validated RunSpec (scale already applied). */
  spec: RunSpec;
  /** Folder of this run: checkpoints/ and logs go under it. Created by the host. */
  run_dir: string;
  /** Base folder against which a relative data.path is resolved. */
  cwd: string;
  /**
   * Continue this run from a checkpoint instead of starting fresh (`flowbench resume`).
   * The engine tries checkpoint_path, then the other candidates and stable files in
   * run_dir/checkpoints, newest first, and uses the first that verifies.
   */
  resume?: {
    checkpoint_path: string;
    candidates?: { path: string; step: number; sha256?: string | null }[];
    /** Highest step whose metrics the store holds: a newer file found only on disk would leave a gap, so it is skipped. */
    recorded_step?: number;
  };
}

export interface SampleRequest {
  type: 'sample';
  run_id: string;
  /** Checkpoint file to load (written by a train job). */
  checkpoint_path: string;
  count: number;
  /** Output file: .csv or .h5 */
  out_path: string;
  seed: number;
  /** Condition for generated windows; null = the unknown/unconditional token. */
  domain?: string | null;
  dataset?: string | null;
  /** Class name to condition on (needs "label" in the checkpoint's model.conditions); null = unknown. */
  label?: string | null;
  /** Sample rate (Hz) to condition on (needs "sample_rate" in model.conditions); null = unknown. */
  fs_hz?: number | null;
  /** Classifier-free guidance scale; absent = the checkpoint's model.guidance_scale. */
  guidance_scale?: number;
  /** ODE solver and steps; absent = the checkpoint's model.sampler / model.sample_steps. */
  sampler?: 'euler' | 'heun' | 'rk4';
  sample_steps?: number;
  /** Use the EMA weights when the checkpoint has them (default true). */
  use_ema?: boolean;
}

export interface StopRequest {
  type: 'stop';
  reason?: string;
}

/** `flowbench evaluate`: score a checkpoint (engine/evaluate/, issue 5). */
export interface EvaluateRequest {
  type: 'evaluate';
  run_id: string;
  checkpoint_path: string;
  scale: 'quick' | 'medium' | 'full';
  seed: number;
  /** Base folder for a relative data path. */
  cwd: string;
  /** Evaluate on this data instead of the run's own (same manifest layout). */
  data_path?: string | null;
  /** Protocols to run: linear_probe, few_shot, cross_condition, baselines, anomaly, generation. */
  sections: string[];
  /** Overrides of the scale's budget (tests: fewer episodes). */
  budget?: Record<string, number>;
  /** Classifier-free guidance scale of the generation section; absent = the checkpoint's model.guidance_scale. */
  guidance_scale?: number;
}

/** Pipeline stage 2: episodic prototypical fine-tuning from a stage-1 checkpoint (engine/evaluate/fewshot-finetune.ts). */
export interface FewShotRequest {
  type: 'fewshot';
  run_id: string;
  /** Stage-1 checkpoint the encoder starts from. */
  checkpoint_path: string;
  /** Folder of the stage-2 run: its checkpoint goes to checkpoints/. */
  run_dir: string;
  cwd: string;
  data_path?: string | null;
  seed: number;
  way: number;
  shot: number;
  query: number;
  /** Training episodes (optimiser steps) and evaluation episodes. */
  train_episodes: number;
  eval_episodes: number;
  lr: number;
  max_windows_per_file?: number | null;
}

/** Pause a training run between steps (it keeps its state and waits, idle); 'continue' resumes it. */
export interface PauseRequest {
  type: 'pause';
}

export interface ContinueRequest {
  type: 'continue';
}

export type HostMessage = TrainRequest | SampleRequest | EvaluateRequest | FewShotRequest | StopRequest | PauseRequest | ContinueRequest;

// ---------------------------------------------------------------- engine → host

interface EventBase {
  run_id: string;
  /** Optimiser step count at the time of the event (0 before the first step). */
  step: number;
  /** ISO time the engine emitted the event. */
  time: string;
}

export interface StartedEvent extends EventBase {
  event: 'started';
  backend: string;
  /** Why faster backends were not used, e.g. {"tensorflow-gpu": "not installed"}. */
  backend_skipped: Record<string, string>;
  /** Threads the backend computes on (wasm: XNNPACK's pool). */
  backend_threads: number;
  versions: Record<string, string>;
  params: number;
  total_steps: number;
  epochs: number;
  steps_per_epoch: number;
}

export interface DataEvent extends EventBase {
  event: 'data';
  manifest_hash: string;
  files: number;
  windows: { train: number; val: number; test: number };
  window_length: number;
  channels: number;
  classes: string[];
  domains: string[];
  datasets: string[];
  /** Windows rejected while preparing (NaN/Inf, amplitude, shape). */
  skipped_windows: number;
}

/** Per-step metrics; every metric under its own name. */
export interface StepEvent extends EventBase {
  event: 'step';
  epoch: number;
  flow_loss: number;
  contrastive_loss?: number;
  total_loss: number;
  flow_weight: number;
  contrastive_weight: number;
  lr: number;
  grad_norm: number;
  steps_per_s: number;
  num_tensors: number;
  rss_mb: number;
  eta_s: number;
  total_steps: number;
  /** Kendall uncertainty weighting: learnable log-variances s_i (weights = exp(−s_i)). */
  log_var_flow?: number;
  log_var_contrastive?: number;
  /** GradNorm: each task's weighted gradient norm on the shared layer, and its target. */
  gradnorm_norm_flow?: number;
  gradnorm_norm_contrastive?: number;
  gradnorm_target_flow?: number;
  gradnorm_target_contrastive?: number;
  /** Present on steps where a validation ran (trainer.val_every_n_steps). */
  val_flow_loss?: number;
  val_contrastive_loss?: number;
  val_total_loss?: number;
}

export interface EpochEvent extends EventBase {
  event: 'epoch';
  epoch: number;
  epochs: number;
  train_flow_loss: number;
  train_total_loss: number;
  val_flow_loss: number | null;
  /** Contrastive branch (task.use_contrastive): mean NT-Xent over the epoch / validation. */
  train_contrastive_loss?: number;
  val_contrastive_loss?: number;
  /** Weighted total on validation, with the balancing weights at that point. */
  val_total_loss?: number;
  flow_weight?: number;
  contrastive_weight?: number;
  /** Early stopping: checks since the monitored metric last improved. */
  es_bad_checks?: number;
  skipped_batches: number;
  skipped_windows: number;
  num_tensors: number;
  seconds: number;
}

export interface CheckpointEvent extends EventBase {
  event: 'checkpoint';
  epoch: number;
  path: string;
  sha256: string;
  bytes: number;
  kind: 'final' | 'interval' | 'best';
  stable: boolean;
  val_flow_loss: number | null;
  train_flow_loss: number | null;
  /** Older checkpoint files deleted after this one was verified (keep-N + best). */
  pruned?: string[];
  /** Why `stable` is false. */
  unstable_reason?: string;
}

export interface RecoveryEvent extends EventBase {
  event: 'recovery';
  kind: string;
  details: Record<string, unknown>;
  outcome: string;
}

export interface LogEvent extends EventBase {
  event: 'log';
  level: 'info' | 'warn' | 'error';
  message: string;
}

export interface SampledEvent extends EventBase {
  event: 'sampled';
  out_path: string;
  count: number;
  window_length: number;
  channels: number;
  seconds: number;
  /** How the windows were drawn (absent in events from before these existed). */
  sampler?: string;
  sample_steps?: number;
  guidance_scale?: number;
  ema?: boolean;
}

/** One protocol's results (nested MetricResult leaves: value, ci95?, protocol, split, seed). */
export interface EvaluationEvent extends EventBase {
  event: 'evaluation';
  /** setup | linear_probe | few_shot | cross_condition | baselines | anomaly | generation | figures | fewshot_train */
  section: string;
  results: Record<string, unknown>;
  seconds: number;
}

/** The loop entered (paused: true) or left (false) a pause between steps. */
export interface PausedEvent extends EventBase {
  event: 'paused';
  paused: boolean;
}

/** One curve of a preview: y[i] at x[i] (time in s, or frequency in Hz; samples / cycles per sample when fs is unknown). */
export interface PreviewCurve {
  x: number[];
  y: number[];
}

/**
 * Real validation windows next to windows generated with the current weights (short
 * Euler integration), channel 0, downsampled for transport, with their magnitude spectra.
 * Every trainer.preview_every_n_steps steps. Not a metric: the recorder stores no rows.
 */
export interface PreviewEvent extends EventBase {
  event: 'preview';
  real: PreviewCurve[];
  generated: PreviewCurve[];
  real_spectra: PreviewCurve[];
  generated_spectra: PreviewCurve[];
  /** Axis units: 's' / 'Hz' when the sample rate is known, else 'samples' / 'cycles/sample'. */
  time_unit: string;
  freq_unit: string;
  sample_steps: number;
  /** Wall time the preview took in the engine (its cost to training). */
  seconds: number;
}

export interface FinishedEvent extends EventBase {
  event: 'finished';
  status: 'completed' | 'failed' | 'stopped';
  /** Human-readable reason for failed/stopped. */
  reason?: string;
  /** True when the failure was bad input (a data or config error): the CLI exits 2, not 1. */
  bad_input?: boolean;
  seconds: number;
  final?: { flow_loss?: number; val_flow_loss?: number | null; total_loss?: number };
}

export type EngineEvent =
  | StartedEvent
  | DataEvent
  | StepEvent
  | EpochEvent
  | CheckpointEvent
  | RecoveryEvent
  | LogEvent
  | SampledEvent
  | EvaluationEvent
  | PausedEvent
  | PreviewEvent
  | FinishedEvent;

export type EngineEventName = EngineEvent['event'];

/** Distributive Omit so each member of the union keeps its own fields. */
export type EventPayload<E extends EngineEvent = EngineEvent> = E extends EngineEvent
  ? Omit<E, 'run_id' | 'step' | 'time'>
  : never;
