/**
 * Picks the fastest TensorFlow.js backend that loads here and says why faster ones were
 * skipped: tfjs-node-gpu → tfjs-node → wasm → cpu. FLOWBENCH_BACKEND (auto | tensorflow |
 * wasm | cpu) or the `prefer` argument forces one. The native packages are optional and
 * usually absent (their libtensorflow download is unreachable), so they are imported
 * through a variable and their absence is a reason, not an error.
 */
import * as tf from '@tensorflow/tfjs';
import { shareIdentityOnWasm } from './fused.js';
import { prepareWasmThreads, wasmThreadCount } from './wasm-threads.js';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** The tf backend now active: 'tensorflow', 'wasm' or 'cpu'. */
  name: string;
  /** Why each faster backend was not used, e.g. { 'tensorflow-gpu': 'not installed' }. */
  skipped: Record<string, string>;
  versions: Record<string, string>;
  /** Threads the backend computes on (wasm: XNNPACK's pool, see wasm-threads.ts; else 1 as far as we know). */
  threads: number;
}

const PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

function reasonOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') return 'not installed';
  return `failed to load: ${String(e?.message ?? err).split('\n')[0]}`;
}

async function tryNative(pkg: string): Promise<string | null> {
  try {
    const name = pkg; // through a variable so TypeScript needs no types for it
    await import(name);
    if (!(await tf.setBackend('tensorflow'))) return 'registered but did not initialise';
    return null;
  } catch (err) {
    return reasonOf(err);
  }
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
  if (!PREFERENCES.includes(choice)) {
    const where = prefer ? 'initBackend(prefer)' : 'FLOWBENCH_BACKEND';
    throw new Error(`${where} = "${choice}" is not a backend; valid: ${PREFERENCES.join(', ')}`);
  }
  // PROD silences tfjs's "install tfjs-node" banner (stdout is reserved for events) and debug checks.
  tf.env().set('PROD', true);
  const skipped: Record<string, string> = {};
  let name: string | null = null;

  if (choice === 'auto' || choice === 'tensorflow') {
    for (const [key, pkg] of [
      ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
      ['tensorflow', '@tensorflow/tfjs-node'],
    ] as const) {
      const why = await tryNative(pkg);
      if (why === null) {
        name = 'tensorflow';
        break;
      }
      skipped[key] = why;
    }
    if (!name && choice === 'tensorflow') {
      throw new Error(`backend "tensorflow" was requested but could not load: ${JSON.stringify(skipped)}`);
    }
  }
  if (!name && (choice === 'auto' || choice === 'wasm')) {
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
