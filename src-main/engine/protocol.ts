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
}

export interface StopRequest {
  type: 'stop';
  reason?: string;
}

export type HostMessage = TrainRequest | SampleRequest | StopRequest;

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
}

export interface EpochEvent extends EventBase {
  event: 'epoch';
  epoch: number;
  epochs: number;
  train_flow_loss: number;
  train_total_loss: number;
  val_flow_loss: number | null;
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
}

export interface FinishedEvent extends EventBase {
  event: 'finished';
  status: 'completed' | 'failed' | 'stopped';
  /** Human-readable reason for failed/stopped. */
  reason?: string;
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
  | FinishedEvent;

export type EngineEventName = EngineEvent['event'];

/** Distributive Omit so each member of the union keeps its own fields. */
export type EventPayload<E extends EngineEvent = EngineEvent> = E extends EngineEvent
  ? Omit<E, 'run_id' | 'step' | 'time'>
  : never;
