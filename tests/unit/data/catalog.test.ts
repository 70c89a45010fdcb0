import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogRecords, detectLayout, parseCwru, parseHust, parsePu, parseXjtu } from '../../../src-main/data/catalog.js';
import { CWRU_DIR, hasCwru, tempDir } from './data-paths.js';

describe('CWRU naming', () => {
  it('parses fault, size, position and load', () => {
    expect(parseCwru('12k_DE/IR007_0.mat')).toMatchObject({
      label: 'inner_race', domain: 'load_0HP', severity: 0.007, fsHz: 12000, signalKey: '_DE_time', rpm: 1797, dataset: 'CWRU',
    });
    expect(parseCwru('OR014@6_1.mat')).toMatchObject({ label: 'outer_race', domain: 'load_1HP', severity: 0.014, metadata: { or_position: '6', fault_class: 'OR014' } });
    expect(parseCwru('B021_0.mat')).toMatchObject({ label: 'ball', severity: 0.021 });
    expect(parseCwru('Normal_0.mat')).toMatchObject({ label: 'normal', severity: null, domain: 'load_0HP' });
    expect(parseCwru('48k_DE/IR007_2.mat')).toMatchObject({ fsHz: 48000, domain: 'load_2HP' });
    expect(parseCwru('12k_FE/IR007_0.mat')?.signalKey).toBe('_FE_time');
    for (const bad of ['IR7_0.mat', 'Normal007_0.mat', 'IR007@6_0.mat', 'X097.mat', 'IR007_0.csv']) expect(parseCwru(bad)).toBeNull();
  });
});

describe('XJTU-SY naming', () => {
  it('takes the condition from the folder and the failed element from the bearing', () => {
    expect(parseXjtu('35Hz12kN/Bearing1_1/12.csv')).toMatchObject({
      label: 'outer_race', domain: '35Hz12kN', fsHz: 25600, rpm: 2100, dataset: 'XJTU', metadata: { minute: '12', bearing: 'Bearing1_1' },
    });
    expect(parseXjtu('XJTU-SY/37.5Hz11kN/Bearing2_1/1.csv')).toMatchObject({ label: 'inner_race', domain: '37.5Hz11kN', rpm: 2250 });
    expect(parseXjtu('40Hz10kN/Bearing3_2/5.csv')?.label).toBe('ball+cage+inner_race+outer_race');
    expect(parseXjtu('Bearing1_4/3.csv')?.label).toBe('cage');
    expect(parseXjtu('Bearing4_1/3.csv')).toBeNull();
    expect(parseXjtu('35Hz12kN/3.csv')).toBeNull();
  });
});

describe('PU (Paderborn) naming', () => {
  it('decodes speed, torque, force and the bearing code', () => {
    expect(parsePu('K001/N15_M07_F10_K001_1.mat')).toMatchObject({
      label: 'normal', domain: 'N15_M07_F10', fsHz: 64000, rpm: 1500, signalKey: 'vibration_1',
      metadata: { torque_Nm: '0.7', radial_N: '1000', repetition: '1', damage: 'none' },
    });
    expect(parsePu('N09_M07_F10_KA01_3.mat')).toMatchObject({ label: 'outer_race', rpm: 900, metadata: { damage: 'artificial' } });
    expect(parsePu('N15_M01_F10_KI04_20.mat')).toMatchObject({ label: 'inner_race', domain: 'N15_M01_F10', metadata: { damage: 'real' } });
    expect(parsePu('N15_M07_F04_KB23_1.mat')?.label).toBe('inner_race+outer_race');
    expect(parsePu('N15_M07_F10_X001_1.mat')).toBeNull();
  });
});

describe('HUST naming (assumed forms)', () => {
  it('accepts both assumed forms at 51.2 kHz', () => {
    expect(parseHust('IB504.mat')).toMatchObject({ label: 'ball+inner_race', domain: 'cond_04', fsHz: 51200, metadata: { bearing: '6205' } });
    expect(parseHust('0.5X_O_70Hz.mat')).toMatchObject({ label: 'outer_race', domain: '70Hz', severity: 0.5, rpm: 4200 });
    expect(parseHust('N_65Hz.mat')).toMatchObject({ label: 'normal', severity: null });
    expect(parseHust('QQ504.mat')).toBeNull();
  });
});

describe('catalogRecords', () => {
  it('detects the layout of a folder from its file names and builds records', async () => {
    const dir = tempDir('catalog');
    mkdirSync(path.join(dir, '35Hz12kN', 'Bearing1_1'), { recursive: true });
    mkdirSync(path.join(dir, '35Hz12kN', 'Bearing1_4'), { recursive: true });
    for (const f of ['Bearing1_1/1.csv', 'Bearing1_1/2.csv', 'Bearing1_4/1.csv']) writeFileSync(path.join(dir, '35Hz12kN', f), '');
    writeFileSync(path.join(dir, 'notes.csv'), '');
    const c = await catalogRecords(dir, 'auto');
    expect(c.layout).toBe('XJTU');
    expect(c.records.map((r) => [r.id, r.label])).toEqual([
      ['35Hz12kN/Bearing1_1/1.csv', 'outer_race'],
      ['35Hz12kN/Bearing1_1/2.csv', 'outer_race'],
      ['35Hz12kN/Bearing1_4/1.csv', 'cage'],
    ]);
    expect(c.records[2].path).toBe(path.join(dir, '35Hz12kN', 'Bearing1_4', '1.csv'));
    expect(c.warnings.join()).toMatch(/1 file\(s\).*notes\.csv/);
    expect(detectLayout(['a.mat', 'IR007_0.mat', 'B007_1.mat', 'N15_M07_F10_K001_1.mat'])).toBe('CWRU');
  });

  it('explains what it expected in a folder of unknown files', async () => {
    const dir = tempDir('catalog-none');
    writeFileSync(path.join(dir, 'recording.mat'), '');
    await expect(catalogRecords(dir, 'auto')).rejects.toThrow(/no manifest \(LABELS\.csv\).*recording\.mat.*Write a LABELS\.csv/);
    await expect(catalogRecords(dir, 'PU')).rejects.toThrow(/no file matches the PU naming/);
  });

  describe.skipIf(!hasCwru)('on the real CWRU folder', () => {
    it('agrees with LABELS.csv on every file, except the normal baseline rate LABELS.csv gets wrong', async () => {
      const { readManifest } = await import('../../../src-main/data/manifest.js');
      const manifest = await readManifest(path.join(CWRU_DIR, 'LABELS.csv'));
      const c = await catalogRecords(path.join(CWRU_DIR, '12k_DE'), 'auto');
      expect(c.layout).toBe('CWRU');
      expect(c.records).toHaveLength(19);
      const byPath = new Map(c.records.map((r) => [r.path, r]));
      for (const m of manifest) {
        const r = byPath.get(m.path)!;
        expect([r.label, r.domain, r.severity]).toEqual([m.label, m.domain, m.severity]);
        // CWRU recorded the normal baseline at 48 kHz (tests/unit/data/resample-pipeline.test.ts shows its machine lines).
        expect(r.fsHz).toBe(m.label === 'normal' ? 48000 : m.fsHz);
        expect(m.signalKey!.endsWith(r.signalKey!)).toBe(true);
      }
    });
  });
});
