/**
 * Picks the TensorFlow.js backend and says why a faster one was skipped.
 * FLOWBENCH_BACKEND (auto | native | wasm | cpu | webgpu) or the `prefer` argument forces one;
 * `native` is the C++ engine (engine/native/), which runs the training objective itself
 * and still needs a tf backend for the rest, so for tf it means wasm → cpu.
 * `webgpu` (webgpu.ts) reads tensors only asynchronously in Node (`await data()`), so it is
 * open only to callers that read that way (`reads: 'async'`): the training loop. Evaluation and
 * sampling read synchronously; asked for webgpu they fail, naming the backends they can use.
 * auto, when training a run the native engine cannot train (engine/native/engine-choice.ts
 * says so through `skipWebGpu`), takes webgpu on a hardware adapter and otherwise records why
 * not (no adapter, or a software rasteriser such as llvmpipe, slower than the CPU engines),
 * then wasm → cpu.
 * tfjs-node(-gpu) is gone: its libtensorflow download answers 403 (docs/PERFORMANCE.md).
 */
import * as tf from '@tensorflow/tfjs';
import { ENGINE_BACKENDS, type EngineBackend } from '../../config/schema.js';
import { shareIdentityOnWasm } from './fused.js';
import { prepareWasmThreads, wasmThreadCount } from './wasm-threads.js';
import { registerWebGpu, type WebGpuAdapter } from './webgpu.js';

/** How the caller reads tensors: 'async' only (`await data()`; webgpu allowed) or also synchronously. */
export type TensorReads = 'async' | 'sync';

/** The backends a job that reads synchronously may ask for (all but webgpu). */
export const SYNC_READ_BACKENDS: readonly EngineBackend[] = ENGINE_BACKENDS.filter((b) => b !== 'webgpu');

/** Why auto leaves webgpu out of a job that reads synchronously (evaluation, sampling). */
export const WEBGPU_NEEDS_ASYNC_READS = 'this job reads tensors synchronously; webgpu in Node reads only asynchronously';

/** Why auto leaves a software WebGPU adapter out. */
export function softwareAdapterReason(adapter: string): string {
  return `software adapter ${adapter}: slower than the CPU engines`;
}

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

/**
 * Initialises one backend; resolves with which one and why faster ones were skipped.
 * reads: how the caller reads tensors ('async': the training loop; webgpu may be taken).
 * skipWebGpu: why auto leaves webgpu out anyway (the native engine trains this run).
 */
export async function initBackend(prefer?: EngineBackend, reads: TensorReads = 'sync', skipWebGpu: string | null = null): Promise<BackendInfo> {
  const fromEnv = process.env.FLOWBENCH_BACKEND || undefined;
  const choice = (prefer ?? fromEnv ?? 'auto') as EngineBackend;
  const where = prefer ? 'initBackend(prefer)' : 'FLOWBENCH_BACKEND';
  const valid = reads === 'async' ? ENGINE_BACKENDS : SYNC_READ_BACKENDS;
  if (!(ENGINE_BACKENDS as readonly string[]).includes(choice)) {
    throw new Error(`${where} = "${choice}" is not a backend; valid: ${valid.join(', ')}`);
  }
  if (choice === 'webgpu' && reads === 'sync') {
    throw new Error(`${where} = "webgpu" cannot run this job: evaluation and sampling read tensors synchronously, which webgpu in Node cannot; valid here: ${valid.join(', ')}`);
  }
  // PROD silences tfjs's "install tfjs-node" banner (stdout is reserved for events) and debug checks.
  tf.env().set('PROD', true);
  const skipped: Record<string, string> = {};
  let name: string | null = null;

  if (choice === 'auto' && skipWebGpu) {
    skipped.webgpu = skipWebGpu; // Dawn is not even loaded
  } else if (choice === 'webgpu' || (choice === 'auto' && reads === 'async')) {
    const adapter = await registerWebGpu();
    if (choice === 'webgpu') {
      if (typeof adapter === 'string') throw new Error(`backend "webgpu" was requested but could not start: ${adapter}`);
      return startWebGpu(adapter);
    }
    if (typeof adapter !== 'string' && !adapter.software) return startWebGpu(adapter);
    skipped.webgpu = typeof adapter === 'string' ? adapter : softwareAdapterReason(adapter.name);
  } else if (choice === 'auto') {
    skipped.webgpu = WEBGPU_NEEDS_ASYNC_READS;
  }
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

async function startWebGpu(adapter: WebGpuAdapter): Promise<BackendInfo> {
  if (!(await tf.setBackend('webgpu'))) throw new Error(`backend "webgpu" did not initialise on adapter ${adapter.name}`);
  await tf.ready();
  return { name: 'webgpu', skipped: {}, versions: { tfjs: tf.version.tfjs, node: process.versions.node, webgpu_adapter: adapter.name }, threads: 1, adapter };
}
