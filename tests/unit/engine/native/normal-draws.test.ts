/**
 * The native engine's normal draws (native/src/normal_draws.cc) against the run generator's
 * own Box–Muller in JavaScript (data/rng.ts): float for float the same values and the same
 * generator state afterwards, for any length, mean, std, pending spare and the rare redraw
 * (u ≤ 1e−12 happens exactly when mulberry32's counter reaches 0). Installing the filler must
 * never change a seeded result.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Rng, setNormalPairFiller, type RngState } from '../../../../src-main/data/rng.js';
import { native } from './native-support.js';

const STEP = 0x6d2b79f5;
/** The counter value from which the generator's next uniform comes from counter `k` steps later. */
const counterBefore = (k: number): number => (2 ** 32 - ((k * STEP) % 2 ** 32)) % 2 ** 32;

/** n draws and the state after them, from `state`, with or without the native filler. */
function draws(state: RngState, n: number, mean: number, std: number, filler: boolean): { out: Float32Array; after: RngState; next: number } {
  setNormalPairFiller(filler && native.addon ? native.addon.fillNormals : null);
  const rng = new Rng(0);
  rng.setState(state);
  const out = rng.normalArray(n, mean, std);
  return { out, after: rng.getState(), next: rng.normal() };
}

function expectSame(state: RngState, n: number, mean = 0, std = 1): void {
  const js = draws(state, n, mean, std, false);
  const nat = draws(state, n, mean, std, true);
  const firstDiff = js.out.findIndex((v, i) => !Object.is(v, nat.out[i]));
  expect(firstDiff, `first differing draw of ${n} from ${JSON.stringify(state)}`).toBe(-1);
  expect(nat.after).toEqual(js.after);
  expect(nat.next).toBe(js.next);
}

describe.skipIf(!native.addon)('native normal draws', () => {
  afterEach(() => setNormalPairFiller(native.addon ? native.addon.fillNormals : null));

  it('loading the addon installs the filler, and it is what normalArray uses', () => {
    const calls: number[] = [];
    setNormalPairFiller((a, out, offset, pairs, mean, std) => {
      calls.push(pairs);
      return native.addon!.fillNormals(a, out, offset, pairs, mean, std);
    });
    new Rng(3).normalArray(1001);
    expect(calls).toEqual([500]);
  });

  it('equals the JavaScript draws for many seeds, lengths, means, std and a pending spare', () => {
    const lengths = [0, 1, 2, 127, 128, 129, 130, 511, 512, 513, 1000, 32 * 1024 + 1];
    for (let seed = 0; seed < 40; seed++) {
      const rng = new Rng(seed * 7919 + 1);
      if (seed % 2 === 1) rng.normal(); // leaves a spare pending
      const n = lengths[seed % lengths.length]!;
      expectSame(rng.getState(), n, seed % 3 === 0 ? 0 : seed - 20, seed % 4 === 0 ? 1 : 0.01 * seed);
    }
  });

  it('equals the JavaScript draws over 2^22 values (one training run of draws)', () => {
    expectSame(new Rng(12345).getState(), 1 << 22);
  });

  it('redraws u ≤ 1e−12 as the generator does, at the start of a block and inside one', () => {
    for (const pair of [0, 1, 100, 255, 256, 700]) {
      // the pair's u comes from counter 0: its mulberry32 output is 0, so u = 0 is redrawn
      expectSame({ a: counterBefore(2 * pair + 1), spare: null }, 2048);
    }
    const js = draws({ a: counterBefore(1), spare: null }, 256, 0, 1, false);
    // 128 pairs took 257 uniforms from counter −STEP: one extra was drawn
    expect(js.after.a).toBe((256 * STEP) % 2 ** 32);
  });

  it('refuses bad arguments naming them', () => {
    const addon = native.addon!;
    const out = new Float32Array(8);
    expect(() => addon.fillNormals(-1, out, 0, 1, 0, 1)).toThrow(/a must be an unsigned 32-bit integer/);
    expect(() => addon.fillNormals(2 ** 32, out, 0, 1, 0, 1)).toThrow(/a must be an unsigned 32-bit integer/);
    expect(() => addon.fillNormals(1, new Float64Array(8) as unknown as Float32Array, 0, 1, 0, 1)).toThrow(/out must be a Float32Array/);
    expect(() => addon.fillNormals(1, out, 4, 3, 0, 1)).toThrow(/offset \+ 2·pairs ≤ out.length \(8\)/);
    expect(() => addon.fillNormals(1, out, 0.5, 1, 0, 1)).toThrow(/offset and pairs must be integers/);
  });
});
