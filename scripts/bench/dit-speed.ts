/**
 * DiT velocity-net training speed and peak RSS at a given shape (not a test):
 *   npx tsx scripts/bench/dit-speed.ts --batch 32 --length 1024 --patch 16 --dim 128 --depth 4 --heads 4 --hidden 256 --steps 20
 * Prints one JSON line: steps_per_s (after 3 warm-up steps), peak_rss_mb, params, tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { runSpecSchema } from '../../src-main/config/schema.js';
import { initBackend } from '../../src-main/engine/backend/select-backend.js';
import { FlowModel } from '../../src-main/engine/flow/flow-model.js';
import { Rng } from '../../src-main/data/rng.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';
import { clipByGlobalNorm } from '../../src-main/engine/train/clipping.js';
import { drawTraining, flowLossAndGrads } from '../../src-main/engine/train/flow-step.js';

const arg = (name: string, dflt: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const B = arg('batch', 32);
const L = arg('length', 1024);
const steps = arg('steps', 20);
const model = runSpecSchema.parse({
  model: {
    velocity_net: 'dit', patch_size: arg('patch', 16), token_dim: arg('dim', 128), depth: arg('depth', 4),
    heads: arg('heads', 4), hidden_dim: arg('hidden', 256),
  },
}).model;

const backend = await initBackend();
const m = new FlowModel(model, { length: L, channels: 1, domains: 2, datasets: 1, conditional: true }, 0);
const opt = new AdamW(m.params.variables(), { kind: 'adamw', weightDecay: 1e-5 });
const rng = new Rng(1);
const batch = { x: rng.normalArray(B * L), n: B, domain: Int32Array.from({ length: B }, (_, i) => i % 2), dataset: new Int32Array(B), dropped: 0 };
let peak = 0;
let t0 = 0;
const tensors0 = tf.memory().numTensors;
for (let s = 0; s < steps + 3; s++) {
  if (s === 3) t0 = performance.now();
  const { grads } = flowLossAndGrads(m, batch, drawTraining(m, batch, rng), 1);
  const clip = await clipByGlobalNorm(grads, 1);
  opt.apply(clip.grads, 1e-4);
  tf.dispose(clip.grads);
  tf.dispose(grads);
  peak = Math.max(peak, process.memoryUsage().rss);
}
const sps = (steps * 1000) / (performance.now() - t0);
console.log(JSON.stringify({
  backend: backend.name, batch: B, length: L, ...model, steps_per_s: +sps.toFixed(3), peak_rss_mb: Math.round(peak / 2 ** 20),
  params: m.params.count(), tensors_start: tensors0, tensors_end: tf.memory().numTensors,
}));
