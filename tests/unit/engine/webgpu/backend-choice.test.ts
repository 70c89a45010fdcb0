/**
 * webgpu in the backend choice. Training reads tensors asynchronously, so it may run on webgpu:
 * FLOWBENCH_BACKEND=webgpu is accepted there, and auto takes a hardware adapter but skips a
 * software one (llvmpipe here), saying why. Evaluation and sampling read synchronously: auto
 * leaves webgpu out saying so, and FLOWBENCH_BACKEND=webgpu fails naming the valid backends.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend, softwareAdapterReason, WEBGPU_NEEDS_ASYNC_READS } from '../../../../src-main/engine/backend/select-backend.js';
import { registerWebGpu } from '../../../../src-main/engine/backend/webgpu.js';
import { chooseEngine, initTrainingBackend, NATIVE_BEFORE_WEBGPU } from '../../../../src-main/engine/native/engine-choice.js';
import { loadNativeAddon } from '../../../../src-main/engine/native/loader.js';
import { tinySpec } from '../fixtures.js';

const saved = process.env.FLOWBENCH_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.FLOWBENCH_BACKEND;
  else process.env.FLOWBENCH_BACKEND = saved;
});

const adapter = await registerWebGpu();
const software = typeof adapter !== 'string' && adapter.software;
if (process.env.FLOWBENCH_REQUIRE_WEBGPU === '1' && typeof adapter === 'string') throw new Error(`FLOWBENCH_REQUIRE_WEBGPU=1 but ${adapter}`);

describe('webgpu in the backend choice', () => {
  it('a job that reads synchronously: auto takes wasm and says why webgpu was skipped', async () => {
    delete process.env.FLOWBENCH_BACKEND;
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(info.skipped.webgpu).toBe(WEBGPU_NEEDS_ASYNC_READS);
    expect(info.skipped.webgpu).toMatch(/synchronously/);
  });

  it('a job that reads synchronously refuses FLOWBENCH_BACKEND=webgpu, naming the valid values', async () => {
    process.env.FLOWBENCH_BACKEND = 'webgpu';
    await expect(initBackend()).rejects.toThrow(
      'FLOWBENCH_BACKEND = "webgpu" cannot run this job: evaluation and sampling read tensors synchronously, which webgpu in Node cannot; valid here: auto, native, wasm, cpu',
    );
  });

  it('an unknown FLOWBENCH_BACKEND names every backend training can use', async () => {
    process.env.FLOWBENCH_BACKEND = 'cuda';
    await expect(initBackend(undefined, 'async')).rejects.toThrow('FLOWBENCH_BACKEND = "cuda" is not a backend; valid: auto, native, wasm, cpu, webgpu');
  });

  it('training, auto: a software adapter is skipped, saying which and why (no adapter: says that)', async () => {
    delete process.env.FLOWBENCH_BACKEND;
    const info = await initBackend(undefined, 'async');
    if (typeof adapter === 'string') {
      expect(info.skipped.webgpu).toBe(adapter);
    } else if (software) {
      expect(info.name).toBe('wasm');
      expect(info.skipped.webgpu).toBe(softwareAdapterReason(adapter.name));
      expect(info.skipped.webgpu).toMatch(/^software adapter .+: slower than the CPU engines$/);
    } else {
      expect(info.name).toBe('webgpu'); // a hardware GPU goes first
    }
  });

  it.skipIf(typeof adapter === 'string')('training: FLOWBENCH_BACKEND=webgpu is accepted and runs on the adapter', async () => {
    process.env.FLOWBENCH_BACKEND = 'webgpu';
    const info = await initBackend(undefined, 'async');
    expect(info.name).toBe('webgpu');
    expect(info.adapter?.name).toBe(typeof adapter === 'string' ? '' : adapter.name);
  });

  it.skipIf(!loadNativeAddon().addon)('training, auto: where the native engine trains the run, webgpu is left out without loading Dawn, saying why', async () => {
    delete process.env.FLOWBENCH_BACKEND;
    const spec = tinySpec({ model: { velocity_net: 'mlp' }, engine: { backend: 'auto' } });
    const info = await initTrainingBackend(spec);
    expect(info.name).toBe('wasm');
    expect(info.skipped.webgpu).toBe(NATIVE_BEFORE_WEBGPU);
    const engine = chooseEngine(spec, info);
    expect(engine.name).toBe('native');
    expect(engine.skipped.webgpu).toBe(NATIVE_BEFORE_WEBGPU);
  });

  it('training, engine.backend: wasm: webgpu is not tried and native is skipped by name', async () => {
    delete process.env.FLOWBENCH_BACKEND;
    const spec = tinySpec({ model: { velocity_net: 'mlp' }, engine: { backend: 'wasm' } });
    const info = await initTrainingBackend(spec);
    expect(info.name).toBe('wasm');
    expect(chooseEngine(spec, info).skipped.native).toBe('engine.backend = wasm');
  });
});
