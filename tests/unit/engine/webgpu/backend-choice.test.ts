/**
 * Runs never land on webgpu by themselves: auto records why it was left out, and
 * FLOWBENCH_BACKEND=webgpu is refused by name (runs read tensors synchronously; webgpu in
 * Node only asynchronously). Only a caller that asks by name gets it (webgpu-parity.test.ts).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { initBackend, WEBGPU_NOT_AUTO } from '../../../../src-main/engine/backend/select-backend.js';

const saved = process.env.FLOWBENCH_BACKEND;
afterEach(() => {
  if (saved === undefined) delete process.env.FLOWBENCH_BACKEND;
  else process.env.FLOWBENCH_BACKEND = saved;
});

describe('webgpu in the backend choice', () => {
  it('auto takes wasm and says why webgpu was skipped', async () => {
    delete process.env.FLOWBENCH_BACKEND;
    const info = await initBackend();
    expect(info.name).toBe('wasm');
    expect(info.skipped.webgpu).toBe(WEBGPU_NOT_AUTO);
    expect(info.skipped.webgpu).toMatch(/synchronously/);
  });

  it('FLOWBENCH_BACKEND=webgpu is refused, naming the valid values', async () => {
    process.env.FLOWBENCH_BACKEND = 'webgpu';
    await expect(initBackend()).rejects.toThrow('FLOWBENCH_BACKEND = "webgpu" is not a backend; valid: auto, native, wasm, cpu');
  });
});
