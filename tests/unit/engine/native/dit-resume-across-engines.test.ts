/**
 * dit checkpoints across engines, through the real CLI (as resume-across-engines.test.ts
 * does for the mlp), with the contrastive branch on so the projection head and balancer
 * state travel too: a native run killed after its step-8 checkpoint resumes on wasm, and a
 * wasm one resumes on native, each within 1e-3 relative of the uninterrupted native run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../../../support/cli.js';
import { TINY, maxRelDiff, openDb, runIds, stepLosses, type StepLoss } from '../../../integration/reliability/helpers.js';
import { native } from './native-support.js';

const DIT = [
  'model.velocity_net=dit', 'model.patch_size=16', 'model.token_dim=16', 'model.depth=1', 'model.heads=2',
  'task.use_contrastive=true', 'task.projection_dim=8', 'task.projection_hidden_dim=16', 'task.balancing=uncertainty',
].flatMap((kv) => ['--set', kv]);

function lossesIn(home: string, name = 'flow_loss'): StepLoss[] {
  const db = openDb(home);
  try {
    return stepLosses(db, runIds(db)[0]!, name);
  } finally {
    db.close();
  }
}

describe.skipIf(!native.addon)('dit: kill -9 and resume across engines', () => {
  const homes = Array.from({ length: 3 }, () => tempHome('flowbench-native-dit-resume-'));
  const codes: (number | null)[] = [];
  const started: string[] = [];

  beforeAll(async () => {
    const run = async (args: string[], home: string, env: NodeJS.ProcessEnv) => {
      const r = await runCli([...args, '--json'], { home, env });
      codes.push(r.code);
      started.push(String(jsonLines(r.stdout).find((e) => e.event === 'started')?.backend));
    };
    const train = (home: string, engine: string, crash: boolean) =>
      run(['train', '--seed', '3', ...TINY, ...DIT], home, { FLOWBENCH_BACKEND: engine, ...(crash ? { FLOWBENCH_FAULTS: 'crash@step=11' } : {}) });
    await train(homes[0]!, 'native', false); // uninterrupted
    await train(homes[1]!, 'native', true); // killed on native …
    await run(['resume', 'last'], homes[1]!, { FLOWBENCH_BACKEND: 'wasm' }); // … resumed on wasm
    await train(homes[2]!, 'wasm', true); // killed on wasm …
    await run(['resume', 'last'], homes[2]!, { FLOWBENCH_BACKEND: 'native' }); // … resumed on native
  }, 900_000);

  it('the runs ran on the engines asked for; the killed ones exited failed and their resumes completed', () => {
    expect(codes).toEqual([0, 1, 0, 1, 0]);
    expect(started).toEqual(['native', 'native', 'wasm', 'wasm', 'native']);
  });

  it('each checkpoint continues on the other engine like the uninterrupted native run', () => {
    const nat = lossesIn(homes[0]!);
    expect(nat.map((r) => r.step)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    const nativeThenWasm = lossesIn(homes[1]!);
    const wasmThenNative = lossesIn(homes[2]!);
    expect(nativeThenWasm).toHaveLength(18);
    expect(wasmThenNative).toHaveLength(18);
    expect(maxRelDiff(nat, nativeThenWasm)).toBeLessThanOrEqual(1e-3);
    expect(maxRelDiff(nat, wasmThenNative)).toBeLessThanOrEqual(1e-3);
    const con = lossesIn(homes[0]!, 'contrastive_loss');
    expect(con).toHaveLength(18);
    expect(maxRelDiff(con, lossesIn(homes[1]!, 'contrastive_loss'))).toBeLessThanOrEqual(1e-3);
    expect(maxRelDiff(con, lossesIn(homes[2]!, 'contrastive_loss'))).toBeLessThanOrEqual(1e-3);
  });
});
