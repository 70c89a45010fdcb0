/**
 * Host → engine messages, declared once as zod schemas: the host builds them (host/*-job.ts),
 * the engine process checks each as it arrives (engine/process.ts). The engine process is
 * started with child_process.fork (or Electron's utilityProcess) and talks only through these.
 */
import { z } from 'zod';
import type { RunSpec } from '../../config/schema.js';
import { SCALES } from '../../config/enums.js';

/** The resolved RunSpec: validated by the config layer before it is sent, so only its shape is checked here. */
const runSpec = z.custom<RunSpec>((v) => typeof v === 'object' && v !== null && 'model' in v && 'task' in v, { message: 'expected a resolved RunSpec' });

export const trainRequestSchema = z.object({
  type: z.literal('train'),
  run_id: z.string(),
  /** Resolved, validated RunSpec (scale already applied). */
  spec: runSpec,
  /** Folder of this run: checkpoints/ and logs go under it. Created by the host. */
  run_dir: z.string(),
  /** Base folder against which a relative data.path is resolved. */
  cwd: z.string(),
  /**
   * Continue this run from a checkpoint instead of starting fresh (`flowbench resume`).
   * The engine tries checkpoint_path, then the other candidates and stable files in
   * run_dir/checkpoints, newest first, and uses the first that verifies.
   */
  resume: z.object({
    checkpoint_path: z.string(),
    candidates: z.array(z.object({ path: z.string(), step: z.number(), sha256: z.string().nullable().optional() })).optional(),
    /** Highest step whose metrics the store holds: a newer file found only on disk would leave a gap, so it is skipped. */
    recorded_step: z.number().optional(),
  }).optional(),
});

export const sampleRequestSchema = z.object({
  type: z.literal('sample'),
  run_id: z.string(),
  /** Checkpoint file to load (written by a train job). */
  checkpoint_path: z.string(),
  count: z.number(),
  /** Output file: .csv or .h5 */
  out_path: z.string(),
  seed: z.number(),
  /** Condition for generated windows; null = the unknown/unconditional token. */
  domain: z.string().nullable().optional(),
  dataset: z.string().nullable().optional(),
  /** Class name to condition on (needs "label" in the checkpoint's model.conditions); null = unknown. */
  label: z.string().nullable().optional(),
  /** Sample rate (Hz) to condition on (needs "sample_rate" in model.conditions); null = unknown. */
  fs_hz: z.number().nullable().optional(),
  /** Classifier-free guidance scale; absent = the checkpoint's model.guidance_scale. */
  guidance_scale: z.number().optional(),
  /** ODE solver and steps; absent = the checkpoint's model.sampler / model.sample_steps. */
  sampler: z.enum(['euler', 'heun', 'rk4']).optional(),
  sample_steps: z.number().optional(),
  /** Use the EMA weights when the checkpoint has them (default true). */
  use_ema: z.boolean().optional(),
});

export const stopRequestSchema = z.object({ type: z.literal('stop'), reason: z.string().optional() });

/** `flowbench evaluate`: score a checkpoint (engine/evaluate/). */
export const evaluateRequestSchema = z.object({
  type: z.literal('evaluate'),
  run_id: z.string(),
  checkpoint_path: z.string(),
  scale: z.enum(SCALES),
  seed: z.number(),
  /** Base folder for a relative data path. */
  cwd: z.string(),
  /** Evaluate on this data instead of the run's own (same manifest layout). */
  data_path: z.string().nullable().optional(),
  /** Protocols to run: linear_probe, few_shot, cross_condition, baselines, anomaly, generation. */
  sections: z.array(z.string()),
  /** Overrides of the scale's budget (tests: fewer episodes). */
  budget: z.record(z.string(), z.number()).optional(),
  /** Classifier-free guidance scale of the generation section; absent = the checkpoint's model.guidance_scale. */
  guidance_scale: z.number().optional(),
  /** Flow time the frozen features of the probe, few-shot and cross-condition protocols are read at (evaluate/features.ts); absent = 1. */
  feature_t: z.number().gt(0).max(1).optional(),
});

/** Pipeline stage 2: episodic prototypical fine-tuning from a stage-1 checkpoint (engine/evaluate/fewshot-finetune.ts). */
export const fewShotRequestSchema = z.object({
  type: z.literal('fewshot'),
  run_id: z.string(),
  /** Stage-1 checkpoint the encoder starts from. */
  checkpoint_path: z.string(),
  /** Folder of the stage-2 run: its checkpoint goes to checkpoints/. */
  run_dir: z.string(),
  cwd: z.string(),
  data_path: z.string().nullable().optional(),
  seed: z.number(),
  way: z.number(),
  shot: z.number(),
  query: z.number(),
  /** Training episodes (optimiser steps) and evaluation episodes. */
  train_episodes: z.number(),
  eval_episodes: z.number(),
  lr: z.number(),
  max_windows_per_file: z.number().nullable().optional(),
});

/** Pause a training run between steps (it keeps its state and waits, idle); 'continue' resumes it. */
export const pauseRequestSchema = z.object({ type: z.literal('pause') });
export const continueRequestSchema = z.object({ type: z.literal('continue') });

export const hostMessageSchema = z.discriminatedUnion('type', [
  trainRequestSchema, sampleRequestSchema, evaluateRequestSchema, fewShotRequestSchema, stopRequestSchema, pauseRequestSchema, continueRequestSchema,
]);

export type TrainRequest = z.infer<typeof trainRequestSchema>;
export type SampleRequest = z.infer<typeof sampleRequestSchema>;
export type StopRequest = z.infer<typeof stopRequestSchema>;
export type EvaluateRequest = z.infer<typeof evaluateRequestSchema>;
export type FewShotRequest = z.infer<typeof fewShotRequestSchema>;
export type PauseRequest = z.infer<typeof pauseRequestSchema>;
export type ContinueRequest = z.infer<typeof continueRequestSchema>;
export type HostMessage = z.infer<typeof hostMessageSchema>;
