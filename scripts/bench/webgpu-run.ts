/**
 * Training on the webgpu backend (not a test): the reference MLP (B=32, L=1024, H=256) on a
 * fixed batch, then a quick DiT run (the basic config at --scale quick with
 * model.velocity_net=dit: its data, batches, lr and clipping) for --dit-steps steps. Both use
 * the async-read step (engine/train/async-flow-step.ts), the only one webgpu runs in Node.
 *
 *   node --import tsx scripts/bench/webgpu-run.ts [--mlp-steps 30] [--dit-steps 40] [--config F] [--data PATH]
 *
 * Prints one JSON line: backend, adapter, software, mlp/dit steps/s (after 3 untimed warm-up
 * steps, which compile the shaders), the DiT's first and last loss, wall seconds.
 * scripts/device-check.sh runs it on a GPU machine.
 */
import * as tf from '@tensorflow/tfjs';
import { loadRunSpec } from '../../src-main/config/load-config.js';
import { openDataSource, prepareWindows } from '../../src-main/data/index.js';
import { Rng } from '../../src-main/data/rng.js';
import { initBackend } from '../../src-main/engine/backend/select-backend.js';
import { webGpuErrors } from '../../src-main/engine/backend/webgpu.js';
import { FlowModel } from '../../src-main/engine/flow/flow-model.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';
import { asyncFlowStep } from '../../src-main/engine/train/async-flow-step.js';
import { gatherBatch, type Batch } from '../../src-main/engine/train/batches.js';
import { drawTraining } from '../../src-main/engine/train/flow-step.js';
import { benchSpec, buildModel, fixedBatch } from './workload.js';

const WARMUP = 3;

function argOf(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
function intArg(name: string, dflt: number): number {
  const v = argOf(name);
  const n = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`webgpu-run: --${name} needs an integer ≥ 1, got ${v}`);
  return n;
}

interface Trained {
  steps_per_s: number;
  loss_first: number;
  loss_last: number;
  params: number;
}

/** WARMUP untimed steps, then `steps` timed ones; each step ends with its loss read (a sync point). */
async function train(model: FlowModel, opt: AdamW, nextBatch: (s: number) => Batch, steps: number, lr: number, clip: number): Promise<Trained> {
  const rng = Rng.derive(0, 'train');
  const losses: number[] = [];
  let t0 = 0;
  for (let s = 0; s < WARMUP + steps; s++) {
    if (s === WARMUP) t0 = performance.now();
    const batch = nextBatch(s);
    losses.push((await asyncFlowStep(model, batch, drawTraining(model, batch, rng), opt, lr, clip)).loss);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { steps_per_s: +(steps / seconds).toFixed(3), loss_first: losses[0], loss_last: losses[losses.length - 1], params: model.params.count() };
}

const wall0 = performance.now();
const backend = await initBackend('webgpu', 'async');

// Reference MLP, the bench's shape and batch (scripts/bench/workload.ts).
const shape = { batch: 32, length: 1024, channels: 1, hidden: 256, net: 'mlp' };
const mlpSpec = benchSpec(shape);
const mlp = buildModel(mlpSpec, shape);
const mlpOpt = new AdamW(mlp.params.variables(), { kind: mlpSpec.task.optimizer, weightDecay: mlpSpec.task.weight_decay });
const batch = fixedBatch(shape);
const mlpRun = await train(mlp, mlpOpt, () => batch, intArg('mlp-steps', 30), mlpSpec.task.lr, mlpSpec.task.gradient_clipping);
mlpOpt.dispose();
mlp.dispose();

// Quick DiT run on the basic config's data.
const data = argOf('data');
const { spec } = loadRunSpec({
  configPath: argOf('config') ?? 'configs/flow_pretrain_basic.yaml', scale: 'quick', sets: ['model.velocity_net=dit'], cwd: process.cwd(),
  ...(data ? { data } : {}),
});
const seed = spec.environment.seed;
const source = await openDataSource(spec.data, { cwd: process.cwd(), seed, select: spec.task });
const windows = await prepareWindows(source, spec.data, seed);
const train0 = windows.train;
const dit = new FlowModel(spec.model, {
  length: train0.length, channels: train0.channels, domains: windows.domainNames.length, datasets: windows.datasetNames.length,
  labels: windows.classNames.length, conditional: spec.task.use_conditional,
}, seed);
const ditOpt = new AdamW(dit.params.variables(), { kind: spec.task.optimizer, weightDecay: spec.task.weight_decay });
const order = new Rng(seed).permutation(train0.n);
const B = spec.task.batch_size;
const ditBatch = (s: number): Batch => {
  const start = (s * B) % Math.max(1, train0.n - B + 1);
  return gatherBatch(train0, order.subarray(start, start + B), spec.data.amplitude_limit);
};
const ditRun = await train(dit, ditOpt, ditBatch, intArg('dit-steps', 40), spec.task.lr, spec.task.gradient_clipping);
ditOpt.dispose();
dit.dispose();

console.log(JSON.stringify({
  backend: backend.name, adapter: backend.adapter?.name, adapter_description: backend.adapter?.description,
  software: backend.adapter?.software, via: backend.adapter?.via, tfjs: tf.version.tfjs,
  mlp: { batch: 32, length: 1024, hidden: 256, ...mlpRun },
  dit: { config: argOf('config') ?? 'configs/flow_pretrain_basic.yaml', data: data ?? spec.data.source, batch: B, window_length: train0.length, ...ditRun },
  gpu_errors: webGpuErrors(), tensors_end: tf.memory().numTensors, wall_s: +((performance.now() - wall0) / 1000).toFixed(1),
}));
process.exit(0); // dawn.node keeps the process alive while its instance is referenced
