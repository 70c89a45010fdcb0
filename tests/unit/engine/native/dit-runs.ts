/**
 * Shared by the native dit loop tests: a small dit run spec and a training run in process
 * (FLOWBENCH_BACKEND unset) reduced to its started event and per-step losses.
 */
import type { RunSpec } from '../../../../src-main/config/schema.js';
import type { EngineEvent, EpochEvent, StartedEvent, StepEvent } from '../../../../src-main/engine/protocol/index.js';
import { runTraining } from '../../../../src-main/engine/train/loop.js';
import { sineData, tempDir, tinySpec, trainRequest } from '../fixtures.js';
import { withoutBackendOverride } from './native-support.js';

export interface Trace {
  started: StartedEvent;
  flow: number[];
  /** NaN where a step has no contrastive loss. */
  con: number[];
  /** The tf tensor count at each step (flat: nothing leaks). */
  tensors: number[];
  /** Per epoch: validation flow and contrastive (NaN when off) losses. */
  valFlow: number[];
  valCon: number[];
}

export async function trainTrace(spec: RunSpec): Promise<Trace> {
  const events: EngineEvent[] = [];
  await withoutBackendOverride(() => runTraining(trainRequest(spec, tempDir('native-dit')), (e) => events.push(e), { stopRequested: false }, { data: sineData() }));
  const steps = events.filter((e) => e.event === 'step') as StepEvent[];
  const started = events.find((e) => e.event === 'started') as StartedEvent;
  const epochs = events.filter((e) => e.event === 'epoch') as EpochEvent[];
  return {
    started, flow: steps.map((e) => e.flow_loss), con: steps.map((e) => e.contrastive_loss ?? NaN), tensors: steps.map((e) => e.num_tensors),
    valFlow: epochs.map((e) => e.val_flow_loss ?? NaN), valCon: epochs.map((e) => e.val_contrastive_loss ?? NaN),
  };
}

const dit = { velocity_net: 'dit', patch_size: 8, token_dim: 16, depth: 2, heads: 2, hidden_dim: 32 };

/** 64 windows / batch 16 = 4 steps an epoch, a loss at every step. */
export const ditSpec = (backend: string, epochs: number, task: Record<string, unknown> = {}): RunSpec =>
  tinySpec({ task: { epochs, ...task }, trainer: { log_every_n_steps: 1 }, engine: { backend }, model: dit });

export const worstRel = (a: number[], b: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - b[i]) / Math.abs(b[i])));
