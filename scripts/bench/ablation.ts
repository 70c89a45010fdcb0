/**
 * A/B of the optimisations that can be switched at run time, interleaved in one process so
 * a busy machine slows every variant alike; reports the median process CPU ms per step.
 *
 *   node --import tsx scripts/bench/ablation.ts [--steps 60] [--rounds 5]
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src-main/engine/backend/select-backend.js';
import { trainRate, type WorkloadShape } from './workload.js';

interface Ref {
  dataId: object;
  shape: number[];
  dtype: tf.DataType;
}
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): Ref;
  typedArrayFromHeap(t: Ref): Float32Array;
  incRef(id: object): void;
}

/** Identity as tfjs-backend-wasm ships it (a copy) or as Flowbench registers it (shared data). */
function useIdentity(copying: boolean): void {
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend }) => {
      const x = inputs.x as Ref;
      const be = backend as unknown as WasmBackend;
      if (!copying) {
        be.incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype } as unknown as tf.TensorInfo;
      }
      const out = be.makeOutput(x.shape, x.dtype);
      be.typedArrayFromHeap(out).set(be.typedArrayFromHeap(x));
      return out as unknown as tf.TensorInfo;
    },
  });
}

async function main(): Promise<void> {
  const arg = (flag: string, d: number): number => (process.argv.includes(flag) ? Number(process.argv[process.argv.indexOf(flag) + 1]) : d);
  const steps = arg('--steps', 60);
  const rounds = arg('--rounds', 5);
  const b = await initBackend();
  if (b.name !== 'wasm') throw new Error(`ablation: needs the wasm backend, got ${b.name}`);
  const shape: WorkloadShape = { batch: 32, length: 1024, channels: 1, hidden: 256, net: 'mlp' };
  const variants: Record<string, () => Promise<number>> = {
    'all on': async () => (useIdentity(false), (await trainRate(shape, steps, { warmup: 5 })).cpu_ms_per_step),
    'plain-op AdamW': async () => (useIdentity(false), (await trainRate(shape, steps, { warmup: 5, fusedOptimizer: false })).cpu_ms_per_step),
    'copying Identity': async () => (useIdentity(true), (await trainRate(shape, steps, { warmup: 5 })).cpu_ms_per_step),
    'both off': async () => (useIdentity(true), (await trainRate(shape, steps, { warmup: 5, fusedOptimizer: false })).cpu_ms_per_step),
  };
  const ms: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [k, f] of Object.entries(variants)) ms[k].push(await f());
  useIdentity(false);
  const med = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];
  const load = (await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`CPU ms per training step, median of ${rounds} rounds × ${steps} steps (load average now ${load}):`);
  for (const k of Object.keys(variants)) console.log(`  ${k.padEnd(18)} ${med(ms[k]).toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
