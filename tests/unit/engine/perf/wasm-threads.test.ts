/**
 * Multi-threaded wasm (engine/wasm-threads.ts), each case in its own process (the thread
 * count is fixed when a process first initialises the backend).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { wasmThreadCount } from '../../../../src-main/engine/backend/wasm-threads.js';

const probe = path.join(path.dirname(fileURLToPath(import.meta.url)), 'wasm-threads-probe.ts');

interface Probe {
  backend: string;
  threads: number;
  values: number[];
  sumsq: number | null;
}

function runProbe(threads: string): Probe {
  const r = spawnSync(process.execPath, ['--import', 'tsx', probe], {
    env: { ...process.env, FLOWBENCH_WASM_THREADS: threads },
    encoding: 'utf8',
    timeout: 60_000, // a pool that kept the process alive would end here, not in exit code 0
  });
  expect(r.error, r.stderr).toBeUndefined();
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Probe;
}

describe('wasm threads', () => {
  it('runs XNNPACK on 2 threads with the same results as 1, the SIMD kernels still bound, and exits by itself', () => {
    const one = runProbe('1');
    const two = runProbe('2');
    expect(one).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(two).toMatchObject({ backend: 'wasm', threads: 2 });
    expect(two.values).toHaveLength(128 * 256);
    // Threads split output tiles, not sums: the products are bit-identical.
    expect(two.values).toEqual(one.values);
    // The fused kernels need the shared heap of the threaded build (null would mean the JS fallback).
    expect(two.sumsq).not.toBeNull();
    expect(two.sumsq!).toBeCloseTo(one.sumsq!, 6);
    expect(one.sumsq!).toBeCloseTo(one.values.reduce((s, v) => s + v * v, 0), 1);
  }, 120_000);

  it('defaults to one thread and names the variable and the valid range for a bad value', () => {
    expect(wasmThreadCount({})).toBe(1);
    expect(wasmThreadCount({ FLOWBENCH_WASM_THREADS: '2' })).toBe(2);
    for (const bad of ['0', '9', 'two', '1.5']) {
      expect(() => wasmThreadCount({ FLOWBENCH_WASM_THREADS: bad })).toThrow(/FLOWBENCH_WASM_THREADS = "[^"]+" is not a thread count; valid: an integer from 1 to 8/);
    }
  });
});
