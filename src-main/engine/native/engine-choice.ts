/**
 * Which engine trains a run: `native` when the addon loaded and covers the model, else the
 * tf backend initBackend chose (webgpu on a hardware adapter or when asked for, else wasm,
 * else cpu), with the reason each faster one was skipped. On webgpu the native engine is left
 * out: a hardware GPU goes first, and the addon reads the tf weights synchronously. FLOWBENCH_BACKEND, when set, overrides engine.backend (CI runs the engine suite
 * with FLOWBENCH_BACKEND=wasm); forcing `native` where it cannot run is an error that says why.
 */
import { ENGINE_BACKENDS, type EngineBackend, type RunSpec } from '../../config/schema.js';
import type { BackendInfo } from '../backend/select-backend.js';
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
  if (tfBackend.name === 'webgpu') return fallback(`webgpu on hardware adapter ${tfBackend.adapter?.name ?? '(unnamed)'} goes first`);
  const load = loadNativeAddon();
  const why = load.addon ? (nativeCoverageGap(spec.model, spec.task)?.message ?? null) : load.reason;
  if (why) {
    if (preference === 'native') throw new Error(`engine.backend = native was requested but the native engine cannot run this run: ${why}`);
    return fallback(why);
  }
  const addon = load.addon as NativeAddon;
  addon.setThreads(spec.engine.threads);
  const blas = addon.info();
  return {
    name: 'native', skipped: { ...tfBackend.skipped }, threads: spec.engine.threads, addon,
    versions: { ...tfBackend.versions, tf_backend: tfBackend.name, blas: blas.config ?? blas.blas },
  };
}
