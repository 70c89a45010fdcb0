/**
 * The native `dit` engine inside the real training loop (in process), against wasm from the
 * same initial weights: 200 flow-only steps give wasm's losses within 1e-3 relative; the
 * same seed on native gives identical losses; validation (on the native engine too) gives
 * wasm's validation losses; auto and native pick the native engine.
 * (The contrastive branch: dit-contrastive-parity.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { ditSpec, trainTrace, worstRel, type Trace } from './dit-runs.js';
import { native } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe.skipIf(!native.addon)('native dit in the training loop', () => {
  let nat: Trace;
  let wasm: Trace;
  beforeAll(async () => {
    nat = await trainTrace(ditSpec('native', 50));
    wasm = await trainTrace(ditSpec('wasm', 50));
  }, 120_000);

  it('auto and native pick the native engine for the dit; wasm says why native was skipped', async () => {
    expect(nat.started.backend).toBe('native');
    expect(wasm.started.backend_skipped.native).toBe('engine.backend = wasm');
    const auto = await trainTrace(ditSpec('auto', 1));
    expect(auto.started.backend).toBe('native');
  });

  it('200 flow steps from the same initial weights: the losses of wasm within 1e-3 relative, and the loss falls', () => {
    expect(nat.flow).toHaveLength(200);
    expect(wasm.flow).toHaveLength(200);
    const worst = worstRel(nat.flow, wasm.flow);
    console.log(`dit native vs wasm, 200 steps: worst relative loss difference ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-3);
    const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(nat.flow.slice(-20))).toBeLessThan(0.8 * mean(nat.flow.slice(0, 20)));
  });

  it('validation runs on the native engine too and gives wasm\'s validation losses within 1e-3 relative', () => {
    expect(nat.valFlow).toHaveLength(50);
    expect(nat.valFlow.every(Number.isFinite)).toBe(true);
    expect(worstRel(nat.valFlow, wasm.valFlow)).toBeLessThan(1e-3);
  });

  it('the tf tensor count stays flat over the 200 native steps', () => {
    expect(new Set(nat.tensors.slice(4)).size).toBe(1);
  });

  it('same seed, same engine: identical losses', async () => {
    const again = await trainTrace(ditSpec('native', 50));
    expect(again.flow).toEqual(nat.flow);
  }, 60_000);
});
