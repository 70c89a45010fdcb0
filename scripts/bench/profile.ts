/**
 * Where a training step (or an Euler sampling step) of the bench workload spends its time:
 * phase timers, then tfjs kernels by median time per step (medians resist the noise of a
 * shared machine; "unnamed scope" rows are customGrad wrappers that include their kernels).
 *
 *   node --import tsx scripts/bench/profile.ts [train|sample] [--net mlp|dit]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src-main/engine/backend/select-backend.js';
import { FlowModel } from '../../src-main/engine/flow/flow-model.js';
import { eulerSample } from '../../src-main/engine/flow/samplers.js';
import { Rng } from '../../src-main/data/rng.js';
import { AdamW } from '../../src-main/engine/train/adamw.js';
import { clipByGlobalNorm } from '../../src-main/engine/train/clipping.js';
import { JointObjective } from '../../src-main/engine/objective/joint-objective.js';
import { benchSpec, trainRate, type WorkloadShape } from './workload.js';

async function main(): Promise<void> {
  const what = process.argv[2] ?? 'train';
  const net = process.argv.includes('--net') ? process.argv[process.argv.indexOf('--net') + 1] : 'mlp';
  const backend = await initBackend();
  const shape: WorkloadShape = { batch: 32, length: 1024, channels: 1, hidden: 256, net };
  const spec = benchSpec(shape);
  const model = new FlowModel(spec.model, { length: 1024, channels: 1, domains: 2, datasets: 1, conditional: true }, 0);
  const objective = new JointObjective(model, spec.task, 0);
  const opt = new AdamW(objective.variables(), { kind: 'adamw', weightDecay: spec.task.weight_decay });
  const rng = new Rng(1);
  const batch = { x: rng.normalArray(32 * 1024), n: 32, domain: new Int32Array(32), dataset: new Int32Array(32), dropped: 0 };
  const ids = { domain: new Int32Array(32), dataset: new Int32Array(32) };
  const trainStep = async (): Promise<void> => {
    const r = await objective.step([{ batch, draws: objective.draw(batch, rng) }], 'profile');
    const c = await clipByGlobalNorm(r.grads, spec.task.gradient_clipping);
    opt.apply(c.grads, 1e-4);
    tf.dispose([c.grads, r.grads]);
    await objective.afterStep(r);
  };
  const sampleOnce = (): void => {
    const x0 = tf.tensor2d(rng.normalArray(32 * 1024), [32, 1024]);
    const x1 = eulerSample((x, t) => model.velocity(x, t, ids, null), x0, 50);
    x1.dataSync();
    tf.dispose([x0, x1]);
  };
  const run = what === 'sample' ? sampleOnce : trainStep;
  const perRun = what === 'sample' ? 50 : 1; // kernels reported per Euler step / per training step
  const reps = what === 'sample' ? 3 : 15;
  for (let i = 0; i < 3; i++) await run();
  if (what !== 'sample') console.log('phases (ms/step):', JSON.stringify((await trainRate(shape, 50, { phases: true })).phases_ms));
  const per = new Map<string, number[]>();
  let count = 0;
  for (let r = 0; r < reps; r++) {
    const info = await tf.profile(async () => void (await run()));
    const local = new Map<string, number>();
    for (const k of info.kernels) {
      const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
      local.set(key, (local.get(key) ?? 0) + (k.kernelTimeMs as number));
      count++;
    }
    for (const [k, v] of local) per.set(k, [...(per.get(k) ?? []), v / perRun]);
  }
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];
  const rows = [...per.entries()].map(([k, v]) => [k, med(v)] as const).sort((a, b) => b[1] - a[1]);
  console.log(`backend ${backend.name}; ${what}: ${(count / reps / perRun).toFixed(0)} kernels per ${what === 'sample' ? 'Euler' : 'training'} step`);
  for (const [k, v] of rows.slice(0, 25)) console.log(`${v.toFixed(3).padStart(8)} ms  ${k}`);
  opt.dispose();
  objective.dispose();
  model.dispose();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
