/**
 * Which engine trains a run: `native` when the addon loaded and covers the model, else the
 * tf backend initBackend chose (webgpu when asked for, or on a hardware adapter when native
 * cannot train the run; else wasm, else cpu), with the reason each faster one was skipped.
 * auto puts native before a hardware GPU because native is measured (docs/PERFORMANCE.md) and
 * webgpu on a GPU is not yet; on webgpu the native engine is left out (the addon reads the tf
 * weights synchronously). FLOWBENCH_BACKEND, when set, overrides engine.backend (CI runs the engine suite
 * with FLOWBENCH_BACKEND=wasm); forcing `native` where it cannot run is an error that says why.
 */
import { ENGINE_BACKENDS, type EngineBackend, type RunSpec } from '../../config/schema.js';
import { initBackend, type BackendInfo } from '../backend/select-backend.js';
import type { NativeAddon } from './addon-types.js';
import { loadNativeAddon } from './loader.js';
import { nativeCoverageGap } from '../../config/native-coverage.js';

export interface EngineChoice {
  /** 'native', or the tf backend's name. */
  name: string;
  /** Why each faster engine was not used (the tf backend's reasons included). */
  skipped: Record<string, string>;
  threads: number;
  /** Library versions for the started event (the native engine adds its BLAS). */
  versions: Record<string, string>;
  /** The loaded addon when name is 'native'. */
  addon: NativeAddon | null;
}

/** The run's engine preference: FLOWBENCH_BACKEND when set, else engine.backend. */
export function enginePreference(spec: Pick<RunSpec, 'engine'>, env: NodeJS.ProcessEnv = process.env): EngineBackend {
  const fromEnv = env.FLOWBENCH_BACKEND;
  if (fromEnv === undefined || fromEnv === '') return spec.engine.backend;
  if (!(ENGINE_BACKENDS as readonly string[]).includes(fromEnv)) {
    throw new Error(`FLOWBENCH_BACKEND = "${fromEnv}" is not a backend; valid: ${ENGINE_BACKENDS.join(', ')}`);
  }
  return fromEnv as EngineBackend;
}

/** Why the native engine cannot train `spec` (no addon, or a model or objective it does not cover); null when it can. */
function nativeGap(spec: Pick<RunSpec, 'model' | 'task'>): string | null {
  const load = loadNativeAddon();
  return load.addon ? (nativeCoverageGap(spec.model, spec.task)?.message ?? null) : load.reason;
}

/** Why auto leaves webgpu out when the native engine can train the run. */
export const NATIVE_BEFORE_WEBGPU = 'the native engine trains this run (measured; webgpu on a GPU is not yet measured against it: engine.backend: webgpu to use it)';

/** The tf backend of a training run (reads asynchronously): auto tries webgpu only where native cannot train. */
export async function initTrainingBackend(spec: Pick<RunSpec, 'engine' | 'model' | 'task'>): Promise<BackendInfo> {
  const preference = enginePreference(spec);
  const skipWebGpu = preference === 'auto' && nativeGap(spec) === null ? NATIVE_BEFORE_WEBGPU : null;
  return initBackend(preference, 'async', skipWebGpu);
}

/** Decides the training engine for `spec` once the tf backend is up. */
export function chooseEngine(spec: Pick<RunSpec, 'engine' | 'model' | 'task'>, tfBackend: BackendInfo, env: NodeJS.ProcessEnv = process.env): EngineChoice {
  const preference = enginePreference(spec, env);
  const fallback = (why: string): EngineChoice => ({
    name: tfBackend.name, skipped: { native: why, ...tfBackend.skipped }, threads: tfBackend.threads, versions: tfBackend.versions, addon: null,
  });
  if (preference === 'wasm' || preference === 'cpu' || preference === 'webgpu') {
    const source = env.FLOWBENCH_BACKEND ? 'FLOWBENCH_BACKEND' : 'engine.backend';
    return fallback(`${source} = ${preference}`);
  }
  const why = nativeGap(spec) ?? (tfBackend.name === 'webgpu' ? `the tf backend is webgpu (adapter ${tfBackend.adapter?.name ?? '(unnamed)'}), whose weights the addon cannot read synchronously` : null);
  if (why) {
    if (preference === 'native') throw new Error(`engine.backend = native was requested but the native engine cannot run this run: ${why}`);
    return fallback(why);
  }
  const addon = loadNativeAddon().addon as NativeAddon;
  addon.setThreads(spec.engine.threads);
  const blas = addon.info();
  return {
    name: 'native', skipped: { ...tfBackend.skipped }, threads: spec.engine.threads, addon,
    versions: { ...tfBackend.versions, tf_backend: tfBackend.name, blas: blas.config ?? blas.blas },
  };
}
