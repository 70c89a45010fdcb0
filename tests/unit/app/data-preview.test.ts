import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defectFrequencies, SKF_6205 } from '../../../src-main/data/bearing-geometry.js';
import { amplitudeSpectrum, envelope, previewData } from '../../../src-main/host/datasets/data-preview.js';
import { CWRU_DIR, hasCwru } from '../data/data-paths.js';

const FS = 8192;
const N = 4096;

function peakHz(spec: { x: number[]; y: number[] }, fromHz = 1): number {
  let best = 0;
  for (let k = 0; k < spec.x.length; k++) if (spec.x[k] >= fromHz && spec.y[k] > spec.y[best]) best = k;
  return spec.x[best];
}

describe('data preview', () => {
  it('amplitudeSpectrum finds a sine at its frequency with its amplitude', () => {
    const x = Float64Array.from({ length: N }, (_, i) => 0.7 * Math.sin((2 * Math.PI * 1000 * i) / FS));
    const s = amplitudeSpectrum(x, FS);
    expect(s.x.length).toBe(N / 2 + 1);
    expect(peakHz(s)).toBe(1000);
    expect(Math.max(...s.y)).toBeCloseTo(0.7, 1);
  });

  it('the envelope spectrum of an amplitude-modulated carrier peaks at the modulation frequency', () => {
    // carrier 2 kHz, modulated at 100 Hz (a defect frequency exciting a resonance).
    const x = Float64Array.from({ length: N }, (_, i) => (1 + 0.8 * Math.cos((2 * Math.PI * 100 * i) / FS)) * Math.sin((2 * Math.PI * 2000 * i) / FS));
    expect(peakHz(amplitudeSpectrum(envelope(x), FS), 20)).toBe(100);
  });

  it('previews the demo dataset: counts per class and domain, one window and its spectra', async () => {
    const p = await previewData({ source: 'synthetic', windowLength: 512 }, process.cwd(), [process.cwd()]);
    expect(Object.keys(p.classes).sort()).toEqual(['ball', 'inner_race', 'normal', 'outer_race']);
    expect(Object.values(p.domains).reduce((a, b) => a + b, 0)).toBe(p.files);
    expect(p.window.x).toHaveLength(512);
    expect(p.window.xUnit).toBe('s');
    expect(p.spectrum.x.at(-1)).toBeCloseTo(p.windowOf.fsHz / 2, 6);
    expect(p.envelope.y.every(Number.isFinite)).toBe(true);
  });

  it.skipIf(!hasCwru)('reads the folder the way the chosen layout says (the run will read it the same way)', async () => {
    // The CWRU folder holds LABELS.csv and CWRU file names; both read Normal_0 at 48 kHz, the description names the reading.
    const byManifest = await previewData({ source: 'files', path: CWRU_DIR, layout: 'manifest', windowLength: 256 }, process.cwd(), [CWRU_DIR]);
    const byNames = await previewData({ source: 'files', path: CWRU_DIR, layout: 'CWRU', windowLength: 256 }, process.cwd(), [CWRU_DIR]);
    expect(byManifest.description).toMatch(/^manifest .*LABELS\.csv: 19 recordings/);
    expect(byManifest.sampleRates).toEqual([12000, 48000]);
    expect(byNames.description).toMatch(/^CWRU folder .*: 19 recordings/);
    expect(byNames.sampleRates).toEqual([12000, 48000]);
    expect(byNames.files).toBe(19);
  });

  it('names the missing path for a folder that does not exist', async () => {
    await expect(previewData({ source: 'files', path: '/no/such/dataset' }, process.cwd(), ['/'])).rejects.toThrow(/\/no\/such\/dataset/);
  });

  it('previews the recording asked for, with its bearing\'s defect frequencies at its rpm; an unknown id is named', async () => {
    const first = await previewData({ source: 'synthetic', windowLength: 256 }, process.cwd(), [process.cwd()]);
    expect(first.recordings.length).toBe(first.files);
    expect(first.windowOf.id).toBe(first.recordings[0]!.id);
    const other = first.recordings.find((r) => r.domain !== first.windowOf.domain && r.label === 'outer_race')!;
    const p = await previewData({ source: 'synthetic', windowLength: 256, record: other.id }, process.cwd(), [process.cwd()]);
    expect(p.windowOf).toMatchObject({ id: other.id, label: 'outer_race', domain: other.domain });
    const f = defectFrequencies(SKF_6205, other.rpm!);
    expect(p.defects).toEqual([{ name: 'BPFO', hz: f.bpfo }, { name: 'BPFI', hz: f.bpfi }, { name: 'BSF', hz: f.bsf }, { name: '2×BSF', hz: 2 * f.bsf }]);
    expect(p.defectNote).toContain(`SKF 6205-2RS at ${other.rpm} rpm`);
    await expect(previewData({ source: 'synthetic', record: 'nope' }, process.cwd(), [process.cwd()])).rejects.toThrow(/no recording "nope".*holds 16/);
  });

  it.skipIf(!hasCwru)('marks a CWRU drive-end recording with the 6205\'s frequencies at the rpm the file records', async () => {
    const p = await previewData({ source: 'files', path: CWRU_DIR, windowLength: 256, record: '12k_DE/IR007_0.mat' }, process.cwd(), [CWRU_DIR]);
    const rpm = Number(p.defectNote.match(/at (\d+) rpm/)![1]);
    expect(rpm).toBeGreaterThan(1700); // CWRU 0 hp: ~1797 rpm
    expect(p.defects.find((d) => d.name === 'BPFI')!.hz).toBeCloseTo((5.4152 * rpm) / 60, 0);
  });

  it('uses the unit a manifest gives and says a.u. where none is given; no markers without a known bearing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowbench-preview-unit-'));
    try {
      const lines = Array.from({ length: 2048 }, (_, i) => Math.sin(i / 5).toFixed(4));
      writeFileSync(path.join(dir, 'a.csv'), `acc\n${lines.join('\n')}\n`);
      writeFileSync(path.join(dir, 'b.csv'), `acc\n${lines.join('\n')}\n`);
      writeFileSync(path.join(dir, 'LABELS.csv'), 'path,label,domain,fs_hz,unit\na.csv,normal,d0,10000,m/s²\nb.csv,fault,d0,10000,\n');
      const a = await previewData({ source: 'files', path: dir, windowLength: 256, record: 'a.csv' }, process.cwd(), [dir]);
      expect([a.window.yUnit, a.spectrum.yUnit, a.envelope.yUnit]).toEqual(['acc (m/s²)', 'm/s²', 'm/s²']);
      expect(a.defects).toEqual([]);
      expect(a.defectNote).toMatch(/bearing of channel "acc" is not known/);
      const b = await previewData({ source: 'files', path: dir, windowLength: 256, record: 'b.csv' }, process.cwd(), [dir]);
      expect(b.spectrum.yUnit).toBe('a.u.');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
