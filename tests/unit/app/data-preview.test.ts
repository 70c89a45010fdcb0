import { describe, expect, it } from 'vitest';
import { amplitudeSpectrum, envelope, previewData } from '../../../src-main/host/data-preview.js';
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
});
