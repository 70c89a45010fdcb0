/**
 * `--backend native` (= engine.backend: native) on a model the native engine does not cover
 * (config/native-coverage.ts) is bad input: exit 2 before any run is recorded, naming the
 * key and what the engine covers. The uncovered model is taken from the coverage table, so
 * the test keeps checking the rule as lines are added to it.
 */
import { describe, expect, it } from 'vitest';
import { nativeCoverageGap, nativeCoverageText } from '../../src-main/config/native-coverage.js';
import { runCli, runCount, tempHome } from '../support/cli.js';

const candidates = (['mlp', 'dit'] as const).flatMap((net) => [false, true].map((contrastive) => ({ net, contrastive })));
const uncovered = candidates.find(({ net, contrastive }) => nativeCoverageGap({ velocity_net: net }, { use_contrastive: contrastive }));
if (!uncovered) console.warn('[cli-native-coverage skipped] the native engine covers every velocity_net × contrastive pair');

describe.skipIf(!uncovered)('CLI: a forced native engine on a model it does not cover', () => {
  it(`--backend native with velocity_net ${uncovered?.net}${uncovered?.contrastive ? ' and the contrastive branch' : ''} exits 2 naming engine.backend and the coverage`, async () => {
    const home = tempHome('flowbench-native-coverage-');
    const { net, contrastive } = uncovered!;
    const args = ['train', '--scale', 'quick', '--backend', 'native', '--set', `model.velocity_net=${net}`, '--set', `task.use_contrastive=${contrastive}`];
    const res = await runCli(args, { home, timeoutMs: 60_000 });
    expect(res.code, `stdout: ${res.stdout}\nstderr: ${res.stderr}`).toBe(2);
    const gap = nativeCoverageGap({ velocity_net: net }, { use_contrastive: contrastive })!;
    expect(res.stderr).toMatch(/engine\.backend/);
    expect(res.stderr).toContain(gap.key);
    expect(res.stderr).toContain(nativeCoverageText());
    expect(res.stderr).not.toMatch(/at .*\.(ts|js|mjs):\d+:\d+/);
    expect(runCount(home)).toBe(0);
  });

  it('the same model with --backend wasm passes the config check (it trains on wasm)', async () => {
    const home = tempHome('flowbench-native-coverage-');
    const { net, contrastive } = uncovered!;
    // trainer.max_steps 1 keeps the run short; the point is that the config is accepted.
    const args = ['train', '--scale', 'quick', '--backend', 'wasm', '--set', `model.velocity_net=${net}`, '--set', `task.use_contrastive=${contrastive}`, '--set', 'trainer.max_steps=1', '--json'];
    const res = await runCli(args, { home, timeoutMs: 240_000 });
    expect(res.stderr).not.toMatch(/engine\.backend/);
    expect(res.code, `stdout: ${res.stdout.slice(-2000)}\nstderr: ${res.stderr}`).toBe(0);
  }, 300_000);
});
