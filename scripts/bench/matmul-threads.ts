/**
 * tfjs wasm matMul [M,1024]×[1024,256] with a fixed right operand (XNNPACK's packed weights
 * cached, as in sampling) and with a new one per call (repacked, as in training), at the
 * thread count FLOWBENCH_WASM_THREADS gives. docs/PERFORMANCE.md, "Multi-threaded wasm".
 *
 *   FLOWBENCH_WASM_THREADS=2 node --import tsx scripts/bench/matmul-threads.ts
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src-main/engine/backend/select-backend.js';

const info = await initBackend('wasm');
const median = (f: () => void, reps: number): number => {
  for (let i = 0; i < 10; i++) f();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  return ts.sort((a, b) => a - b)[ts.length >> 1];
};
const rows: Record<string, unknown>[] = [];
for (const m of [32, 128, 512]) {
  const a = tf.randomNormal([m, 1024]);
  let b = tf.randomNormal([1024, 256]);
  const fixed = median(() => tf.matMul(a, b).dispose(), 200);
  const fresh = median(() => {
    const nb = tf.add(b, 0); // a new tensor: XNNPACK packs it again
    tf.matMul(a, nb).dispose();
    b.dispose();
    b = nb;
  }, 200);
  const add = median(() => {
    const nb = tf.add(b, 0);
    b.dispose();
    b = nb;
  }, 200);
  rows.push({ M: m, fixed_ms: +fixed.toFixed(3), new_weight_ms: +(fresh - add).toFixed(3), gflops_fixed: +((2 * m * 1024 * 256) / fixed / 1e6).toFixed(1) });
  a.dispose();
  b.dispose();
}
console.log(JSON.stringify({ threads: info.threads, rows }));
