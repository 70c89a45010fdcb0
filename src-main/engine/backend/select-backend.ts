/**
 * Picks the TensorFlow.js backend (wasm → cpu) and says why a faster one was skipped.
 * FLOWBENCH_BACKEND (auto | native | wasm | cpu) or the `prefer` argument forces one;
 * `native` is the C++ engine (engine/native/), which runs the training objective itself
 * and still needs a tf backend for the rest, so for tf it means the same as auto.
 * `webgpu` (webgpu.ts) is taken only when a caller asks for it by name (`prefer`): in Node it
 * reads tensors only asynchronously, and the training loop, checkpoints and evaluation read
 * synchronously (dataSync), so neither auto nor FLOWBENCH_BACKEND picks it, and auto says so.
 * tfjs-node(-gpu) is gone: its libtensorflow download answers 403 (docs/PERFORMANCE.md).
 */
import * as tf from '@tensorflow/tfjs';
import { ENGINE_BACKENDS, type EngineBackend } from '../../config/schema.js';
import { shareIdentityOnWasm } from './fused.js';
import { prepareWasmThreads, wasmThreadCount } from './wasm-threads.js';
import { registerWebGpu, type WebGpuAdapter } from './webgpu.js';

/** A run's engine choice, or `webgpu` (scripts and tests that read asynchronously only). */
export type BackendPreference = EngineBackend | 'webgpu';

/** Why auto leaves webgpu out (recorded in every auto run's skipped reasons). */
export const WEBGPU_NOT_AUTO = 'runs read tensors synchronously, webgpu in Node only asynchronously (scripts/device-check.sh uses it)';

export interface BackendInfo {
  /** The tf backend now active: 'wasm', 'cpu' or 'webgpu'. */
  name: string;
  /** Why each faster backend was not used, e.g. { wasm: 'failed to load: …' }. */
  skipped: Record<string, string>;
  versions: Record<string, string>;
  /** Threads the backend computes on (wasm: XNNPACK's pool, see wasm-threads.ts; else 1 as far as we know). */
  threads: number;
  /** The WebGPU adapter when name is 'webgpu'. */
  adapter?: WebGpuAdapter;
}

const PREFERENCES: readonly BackendPreference[] = ENGINE_BACKENDS;

function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') return 'not installed';
  return `failed to load: ${String(e?.message ?? err).split('\n')[0]}`;
}

interface WasmModule {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

let wasmModule: WasmModule | null = null;

async function tryWasm(): Promise<string | null> {
  let restore = (): void => {};
  try {
    const name = '@tensorflow/tfjs-backend-wasm';
    wasmModule = (await import(name)) as WasmModule;
    restore = prepareWasmThreads(tf.env(), wasmModule, wasmThreadCount());
    if (!(await tf.setBackend('wasm'))) return 'did not initialise';
    return null;
  } catch (err) {
    return reasonOf(err);
  } finally {
    restore();
  }
}

/** Initialises one backend; resolves with which one and why faster ones were skipped. */
export async function initBackend(prefer?: BackendPreference): Promise<BackendInfo> {
  const fromEnv = process.env.FLOWBENCH_BACKEND;
  const choice = (prefer ?? fromEnv ?? 'auto') as BackendPreference;
  if (!PREFERENCES.includes(choice) && !(prefer === 'webgpu')) {
    const where = prefer ? 'initBackend(prefer)' : 'FLOWBENCH_BACKEND';
    throw new Error(`${where} = "${choice}" is not a backend; valid: ${PREFERENCES.join(', ')}`);
  }
  // PROD silences tfjs's "install tfjs-node" banner (stdout is reserved for events) and debug checks.
  tf.env().set('PROD', true);
  const skipped: Record<string, string> = {};
  let name: string | null = null;

  if (choice === 'webgpu') {
    const adapter = await registerWebGpu();
    if (typeof adapter === 'string') throw new Error(`backend "webgpu" was requested but could not start: ${adapter}`);
    if (!(await tf.setBackend('webgpu'))) throw new Error(`backend "webgpu" was requested but did not initialise on adapter ${adapter.name}`);
    await tf.ready();
    return { name: 'webgpu', skipped, versions: { tfjs: tf.version.tfjs, node: process.versions.node, webgpu_adapter: adapter.name }, threads: 1, adapter };
  }
  skipped.webgpu = WEBGPU_NOT_AUTO;
  if (choice === 'auto' || choice === 'native' || choice === 'wasm') {
    const why = await tryWasm();
    if (why === null) name = 'wasm';
    else if (choice === 'wasm') throw new Error(`backend "wasm" was requested but could not load: ${why}`);
    else skipped.wasm = why;
  }
  if (!name) {
    await tf.setBackend('cpu');
    name = 'cpu';
  }
  await tf.ready();
  shareIdentityOnWasm(); // wasm's Identity copies; gradients clone ~140 tensors a step (fused.ts)
  const threads = name === 'wasm' && wasmModule ? wasmModule.getThreadsCount() : 1;
  return { name: tf.getBackend(), skipped, versions: { tfjs: tf.version.tfjs, node: process.versions.node }, threads };
}
