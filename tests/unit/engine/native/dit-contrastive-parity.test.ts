/**
 * The native `dit` engine with the contrastive branch inside the real training loop, against
 * wasm from the same initial weights and draws, under each balancer (fixed, uncertainty's
 * closed-form gradients, GradNorm's shared-layer norms): flow and contrastive losses within
 * 1e-3 relative at every step and at every epoch's validation (computed natively too).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../../src-main/engine/backend/select-backend.js';
import { ditSpec, trainTrace, worstRel } from './dit-runs.js';
import { native } from './native-support.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe.skipIf(!native.addon)('native dit with the contrastive branch in the training loop', () => {
  for (const balancing of ['fixed', 'uncertainty', 'gradnorm'] as const) {
    it(`${balancing}: flow and contrastive losses of wasm within 1e-3 relative over 16 steps`, async () => {
      const task = { use_contrastive: true, projection_dim: 8, projection_hidden_dim: 16, balancing };
      const n = await trainTrace(ditSpec('native', 4, task));
      const w = await trainTrace(ditSpec('wasm', 4, task));
      expect(n.started.backend).toBe('native');
      expect(n.con).toHaveLength(16);
      expect(n.con.every(Number.isFinite)).toBe(true);
      expect(n.valCon).toHaveLength(4);
      expect(n.valCon.every(Number.isFinite)).toBe(true);
      const worst = Math.max(worstRel(n.flow, w.flow), worstRel(n.con, w.con), worstRel(n.valFlow, w.valFlow), worstRel(n.valCon, w.valCon));
      console.log(`dit + contrastive (${balancing}) native vs wasm, 16 steps: worst relative loss difference ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1e-3);
    }, 60_000);
  }

  it('gradient accumulation (2 micro-batches a step, gradnorm): the losses of wasm within 1e-3 relative', async () => {
    const task = { use_contrastive: true, projection_dim: 8, projection_hidden_dim: 16, balancing: 'gradnorm', accumulate_grad_batches: 2 };
    const n = await trainTrace(ditSpec('native', 4, task));
    const w = await trainTrace(ditSpec('wasm', 4, task));
    expect(n.flow).toHaveLength(8);
    expect(Math.max(worstRel(n.flow, w.flow), worstRel(n.con, w.con))).toBeLessThan(1e-3);
  }, 60_000);
});
