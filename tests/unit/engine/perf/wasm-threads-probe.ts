/**
 * Child process for wasm-threads.test.ts: initialises the backend (threads from
 * FLOWBENCH_WASM_THREADS), multiplies seeded matrices, runs the SIMD Σx² kernel on the
 * heap, and prints one JSON line. It never calls process.exit: the test also checks that
 * the pthread pool does not keep the process alive.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { sumOfSquares } from '../../../../src-main/engine/backend/fused.js';

const info = await initBackend('wasm');
const a = tf.randomUniform([128, 512], -1, 1, 'float32', 7);
const b = tf.randomUniform([512, 256], -1, 1, 'float32', 8);
const y = tf.matMul(a, b);
const values = Array.from(await y.data());
const sumsq = sumOfSquares([y]);
process.stdout.write(`${JSON.stringify({ backend: info.name, threads: info.threads, values, sumsq })}\n`);
