/**
 * Checkpoints across engines, through the real CLI and the resume machinery of
 * tests/integration/reliability: a native run killed (crash@step=11, SIGKILL after the
 * step-8 checkpoint) and resumed on native gives the uninterrupted native run's losses
 * exactly; a checkpoint written on wasm resumes on native and one written on native
 * resumes on wasm, each within 1e-3 relative of the uninterrupted native run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jsonLines, runCli, tempHome } from '../../../support/cli.js';
import { TINY, maxRelDiff, openDb, runIds, stepLosses, type StepLoss } from '../../../integration/reliability/helpers.js';
import { native } from './native-support.js';

const crash = { FLOWBENCH_FAULTS: 'crash@step=11' };

/** Losses of each run recorded in `home`, oldest run first. */
function lossesIn(home: string): StepLoss[][] {
  const db = openDb(home);
  try {
    return runIds(db).map((id) => stepLosses(db, id));
  } finally {
    db.close();
  }
}

describe.skipIf(!native.addon)('kill -9 and resume across engines', () => {
  // One home (database) per run; the CLI runs one after another (parallel runs only time out on 2 cores).
  const homes = Array.from({ length: 4 }, () => tempHome('flowbench-native-resume-'));
  const codes: (number | null)[] = [];
  const resumedOn: string[] = [];

  beforeAll(async () => {
    const train = async (home: string, env: NodeJS.ProcessEnv = {}) =>
      codes.push((await runCli(['train', '--json', '--seed', '3', ...TINY], { home, env: { ...env, FLOWBENCH_BACKEND: home === homes[2] ? 'wasm' : 'native' } })).code);
    const resume = async (home: string, engine: string) => {
      const r = await runCli(['resume', 'last', '--json'], { home, env: { FLOWBENCH_BACKEND: engine } });
      codes.push(r.code);
      resumedOn.push(String(jsonLines(r.stdout).find((e) => e.event === 'started')?.backend));
    };
    await train(homes[0]!); // uninterrupted, native
    await train(homes[1]!, crash); // killed on native …
    await resume(homes[1]!, 'native'); // … resumed on native
    await train(homes[2]!, crash); // killed on wasm …
    await resume(homes[2]!, 'native'); // … resumed on native
    await train(homes[3]!, crash); // killed on native …
    await resume(homes[3]!, 'wasm'); // … resumed on wasm
  }, 900_000);

  it('every run ends completed; the killed ones exited failed and resumed on the engine asked for', () => {
    expect(codes).toEqual([0, 1, 0, 1, 0, 1, 0]);
    expect(resumedOn).toEqual(['native', 'native', 'wasm']);
  });

  it('native killed and resumed on native: the uninterrupted native losses exactly', () => {
    const [nat] = lossesIn(homes[0]!);
    expect(nat!.map((r) => r.step)).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(maxRelDiff(nat!, lossesIn(homes[1]!)[0]!)).toBeLessThanOrEqual(1e-6);
  });

  it('a checkpoint from one engine resumes on the other and continues like the uninterrupted run', () => {
    const [nat] = lossesIn(homes[0]!);
    const [wasmThenNative] = lossesIn(homes[2]!);
    const [nativeThenWasm] = lossesIn(homes[3]!);
    // Native and wasm agree to ~1e-6 over 200 steps (training-parity.test.ts): 1e-3 is the bound.
    expect(maxRelDiff(nat!, wasmThenNative!)).toBeLessThanOrEqual(1e-3);
    expect(maxRelDiff(nat!.slice(0, 8), nativeThenWasm!.slice(0, 8))).toBeLessThanOrEqual(1e-6);
    expect(maxRelDiff(nat!, nativeThenWasm!)).toBeLessThanOrEqual(1e-3);
  });
});
