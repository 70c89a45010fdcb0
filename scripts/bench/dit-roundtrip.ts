/**
 * How close decode(encode(x)) comes to x for a trained checkpoint, per sampler (not a test):
 *   npx tsx scripts/bench/dit-roundtrip.ts <checkpoint.fbckpt> [--cwd DIR] [--n 16]
 * Reads the run's own test windows (config inside the checkpoint) and prints one JSON line
 * per sampler: mean and max |x − decode(encode(x))| relative to the windows' RMS, and the
 * latent anomaly score statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { openDataSource, prepareWindows } from '../../src-main/data/index.js';
import { initBackend } from '../../src-main/engine/backend/select-backend.js';
import { loadCheckpoint, restoreModel } from '../../src-main/engine/checkpoint/checkpoint.js';
import { loadEmaWeights } from '../../src-main/engine/flow/ema-checkpoint.js';
import { decodeFromNoise, encodeToNoise } from '../../src-main/engine/flow/encode-to-noise.js';
import type { SamplerName } from '../../src-main/engine/flow/samplers.js';

const file = process.argv[2];
const opt = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
await initBackend();
const ckpt = await loadCheckpoint(file);
const model = restoreModel(ckpt);
loadEmaWeights(model, ckpt.arrays);
const spec = ckpt.meta.config;
const data = await prepareWindows(await openDataSource(spec.data, { cwd: opt('cwd', process.cwd()), seed: spec.environment.seed }), spec.data, spec.environment.seed);
const n = Math.min(Number(opt('n', '16')), data.test.n);
const D = model.signalDim;
const x = tf.tensor2d(data.test.x.subarray(0, n * D), [n, D]);
const rms = Math.sqrt(tf.tidy(() => tf.mean(tf.square(x)).dataSync()[0]));
const ids = model.cond.unknownIds(n);
for (const [m, steps] of [['euler', 50], ['heun', 25], ['rk4', 12], ['rk4', 50]] as [SamplerName, number][]) {
  const t0 = performance.now();
  const r = tf.tidy(() => {
    const z = encodeToNoise(model.field(ids), x, m, steps);
    const back = decodeFromNoise(model.field(ids), z, m, steps);
    const err = tf.abs(tf.sub(back, x));
    const r2 = tf.div(tf.sum(tf.square(z), 1), D);
    return [tf.mean(err).dataSync()[0], tf.max(err).dataSync()[0], tf.mean(r2).dataSync()[0]];
  });
  console.log(JSON.stringify({ sampler: m, steps, windows: n, mean_abs_err_rel: r[0] / rms, max_abs_err_rel: r[1] / rms, mean_z_sq_per_dim: r[2], seconds: (performance.now() - t0) / 1000 }));
}
