/**
 * The embedded default dataset: simulated drive-end vibration of a deep-groove ball bearing
 * (CWRU-like: SKF 6205 geometry, 12 kHz), so the demo and every test run without real data.
 *
 * Physics (the standard localised-defect model, McFadden & Smith 1984; Randall & Antoni 2011):
 *  - a defect produces an impulse each time a ball rolls over it: at BPFO (outer race),
 *    BPFI (inner race) or 2·BSF (ball, which strikes both races once per spin) × shaft Hz,
 *    with small random jitter of each impulse time (rolling elements slip ~1–2 %);
 *  - each impulse rings a lightly damped structural resonance (2.5–3.5 kHz, ~1 ms decay);
 *  - the load zone modulates amplitude: an inner-race defect rotates with the shaft
 *    (modulation at shaft rate), a ball defect travels with the cage (modulation at FTF);
 *    an outer-race defect is fixed in the load zone (constant amplitude);
 *  - shaft harmonics 1×, 2×, 3× (residual unbalance/misalignment) and white Gaussian noise.
 * Every draw comes from a seed, so a record regenerates bit-identically on demand.
 */
import type { DataSpec } from '../config/schema.js';
import { defectFrequencies, SKF_6205, type BearingGeometry } from './bearing-geometry.js';
import { createRng, deriveSeed } from './rng.js';
import type { Signal, SignalRecord } from './types.js';

export type SyntheticSpec = DataSpec['synthetic'];

export const SYNTHETIC_CLASSES = ['normal', 'inner_race', 'outer_race', 'ball'] as const;
export type SyntheticClass = (typeof SYNTHETIC_CLASSES)[number];

/** Fault sizes cycled over the files of a faulty class (inches, as CWRU). */
const SEVERITIES = [0.007, 0.014, 0.021];

export interface BearingSignalOptions {
  label: SyntheticClass;
  rpm: number;
  loadHp: number;
  fsHz: number;
  seconds: number;
  /** White-noise std relative to a defect impulse's peak amplitude (≈1). */
  noiseStd: number;
  /** Defect size in inches (0.007–0.021); ignored for normal. */
  severity: number | null;
  seed: number;
  geometry?: BearingGeometry;
}

/** Generates one recording: [round(fsHz·seconds)] samples (arbitrary units, ~g). */
export function generateBearingSignal(o: BearingSignalOptions): Float32Array {
  const n = Math.max(1, Math.round(o.fsHz * o.seconds));
  const rng = createRng(o.seed);
  const f = defectFrequencies(o.geometry ?? SKF_6205, o.rpm);
  const out = new Float64Array(n);

  // Shaft harmonics: present in every class (residual unbalance grows a little with load).
  const harm = [0.12, 0.06, 0.03];
  for (let h = 0; h < harm.length; h++) {
    const amp = harm[h] * (1 + 0.05 * o.loadHp) * (0.8 + 0.4 * rng.next());
    const phase = 2 * Math.PI * rng.next();
    const w = (2 * Math.PI * (h + 1) * f.shaftHz) / o.fsHz;
    for (let i = 0; i < n; i++) out[i] += amp * Math.sin(w * i + phase);
  }

  if (o.label !== 'normal') addDefectResponse(out, o, f, rng);

  for (let i = 0; i < n; i++) out[i] += o.noiseStd * rng.normal();
  return Float32Array.from(out);
}

/** Impulse train at the defect frequency, load-zone modulated, filtered by a damped resonance. */
function addDefectResponse(
  out: Float64Array,
  o: BearingSignalOptions,
  f: ReturnType<typeof defectFrequencies>,
  rng: ReturnType<typeof createRng>,
): void {
  const n = out.length;
  const slip = 1 - 0.01 * rng.next(); // rolling elements lag the kinematic speed slightly
  const rate = (o.label === 'outer_race' ? f.bpfo : o.label === 'inner_race' ? f.bpfi : 2 * f.bsf) * slip;
  const modHz = o.label === 'inner_race' ? f.shaftHz : o.label === 'ball' ? f.ftf : 0;
  const modPhase = 2 * Math.PI * rng.next();
  const sizeGain = 0.6 + 0.4 * ((o.severity ?? SEVERITIES[0]) / SEVERITIES[2]);
  const amp = sizeGain * (1 + 0.1 * o.loadHp);

  // Impulses, each placed at its jittered time (1 % of the period, not accumulated).
  const impulses = new Float64Array(n);
  const period = o.fsHz / rate;
  for (let k = 0, t0 = rng.next() * period; ; k++) {
    const t = t0 + k * period + 0.01 * period * rng.normal();
    const i = Math.round(t);
    if (i >= n) break;
    if (i < 0) continue;
    const load = modHz > 0 ? 0.2 + 0.8 * (0.5 + 0.5 * Math.cos((2 * Math.PI * modHz * i) / o.fsHz + modPhase)) : 1;
    impulses[i] += amp * load * (1 + 0.1 * rng.normal());
  }

  // Two-pole resonator y[i] = sinω·x[i] + 2r·cosω·y[i−1] − r²·y[i−2]: its impulse response
  // r^i·sin((i+1)ω) peaks near 1, so an impulse's ringing has the impulse's amplitude.
  const fRes = Math.min(2500 + 1000 * rng.next(), 0.4 * o.fsHz);
  const tau = 0.0008 + 0.0004 * rng.next(); // decay time constant (s)
  const r = Math.exp(-1 / (tau * o.fsHz));
  const w = (2 * Math.PI * fRes) / o.fsHz;
  const a1 = 2 * r * Math.cos(w);
  const a2 = r * r;
  const g = Math.sin(w);
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < n; i++) {
    const y = g * impulses[i] + a1 * y1 - a2 * y2;
    out[i] += y;
    y2 = y1;
    y1 = y;
  }
}

/** Domain name of an operating condition: load_{N}HP (+ _{rpm}rpm when two share a load). */
export function conditionDomains(spec: SyntheticSpec): string[] {
  const base = spec.conditions.map((c) => `load_${c.load_hp}HP`);
  return base.map((d, i) => (base.indexOf(d) !== base.lastIndexOf(d) ? `${d}_${spec.conditions[i].rpm}rpm` : d));
}

/** The records of the synthetic dataset: classes × conditions × files_per_class. */
export function syntheticRecords(spec: SyntheticSpec, seed: number): SignalRecord[] {
  const domains = conditionDomains(spec);
  const records: SignalRecord[] = [];
  for (const label of SYNTHETIC_CLASSES) {
    spec.conditions.forEach((cond, ci) => {
      for (let k = 0; k < spec.files_per_class; k++) {
        const id = `synthetic/${label}/${domains[ci]}/${k}`;
        records.push({
          index: records.length,
          id,
          path: `synthetic://${label}/${domains[ci]}/${k}`,
          label,
          domain: domains[ci],
          dataset: 'synthetic',
          fsHz: spec.fs_hz,
          signalKey: 'DE',
          severity: label === 'normal' ? null : SEVERITIES[k % SEVERITIES.length],
          rpm: cond.rpm,
          metadata: { load_hp: String(cond.load_hp), file_no: String(k), seed: String(deriveSeed(seed, id)) },
        });
      }
    });
  }
  return records;
}

/** Regenerates the signal of a record made by syntheticRecords (same seed → same samples). */
export function syntheticSignal(record: SignalRecord, spec: SyntheticSpec): Signal {
  const x = generateBearingSignal({
    label: record.label as SyntheticClass,
    rpm: record.rpm ?? 1797,
    loadHp: Number(record.metadata.load_hp ?? 0),
    fsHz: spec.fs_hz,
    seconds: spec.seconds,
    noiseStd: spec.noise_std,
    severity: record.severity,
    seed: Number(record.metadata.seed ?? 0),
  });
  return { channels: [x], channelNames: ['DE'], fsHz: spec.fs_hz, rpm: record.rpm, file: record.path };
}
