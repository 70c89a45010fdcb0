import { describe, expect, it } from 'vitest';
import { bearingOfChannel, defectFrequencies, defectMultipliers, SKF_6203, SKF_6205 } from '../../../src-main/data/bearing-geometry.js';

describe('bearing defect frequencies', () => {
  it('gives the published CWRU drive-end multipliers for the SKF 6205', () => {
    // CWRU Bearing Data Center, "bearing specifications": BPFI 5.4152, BPFO 3.5848, BSF 2.3570, FTF 0.39828.
    const m = defectMultipliers(SKF_6205);
    expect(m.bpfi).toBeCloseTo(5.4152, 3);
    expect(m.bpfo).toBeCloseTo(3.5848, 3);
    expect(m.bsf).toBeCloseTo(2.357, 3);
    expect(m.ftf).toBeCloseTo(0.3983, 3);
    // BPFO + BPFI = n for any geometry.
    expect(m.bpfo + m.bpfi).toBeCloseTo(9, 10);
  });

  it('scales with shaft speed and accounts for the contact angle', () => {
    const f = defectFrequencies(SKF_6205, 1797);
    expect(f.shaftHz).toBeCloseTo(29.95, 2);
    expect(f.bpfo).toBeCloseTo(3.5848 * 29.95, 1);
    const angled = defectMultipliers({ ...SKF_6205, contactAngleDeg: 40 });
    expect(angled.bpfo).toBeGreaterThan(3.5848);
    expect(() => defectMultipliers({ ...SKF_6205, ballDiameter: 2 })).toThrow(/0 < ballDiameter < pitchDiameter/);
  });

  it('gives the published CWRU fan-end multipliers for the SKF 6203 (8 balls)', () => {
    // CWRU Bearing Data Center: BPFI 4.9469, BPFO 3.0530, FTF 0.3817, BSF 1.9888.
    const m = defectMultipliers(SKF_6203);
    expect(m.bpfi).toBeCloseTo(4.9469, 3);
    expect(m.bpfo).toBeCloseTo(3.053, 3);
    expect(m.ftf).toBeCloseTo(0.3817, 3);
    expect(Math.abs(m.bsf - 1.9888)).toBeLessThan(0.01);
  });

  it('tells the bearing from the channel name: drive end 6205, fan end 6203, else unknown', () => {
    expect(bearingOfChannel('X118_DE_time')).toBe(SKF_6205);
    expect(bearingOfChannel('X118_FE_time')).toBe(SKF_6203);
    expect(bearingOfChannel('DE')).toBe(SKF_6205);
    expect(bearingOfChannel('X118_BA_time')).toBeNull();
    expect(bearingOfChannel('ch1')).toBeNull();
  });
});
