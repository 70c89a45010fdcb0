#!/usr/bin/env python3
"""An independent check of the generation target "envelope BPFI/BPFO hit rate >= 0.80"
(docs/EVALUATION.md): what do REAL CWRU windows reach under the product's own envelope test,
and is that test fair to the physics (window length against the defect period, the rpm)?

The product's test (src-main/engine/metrics/envelope.ts defectFrequencyHit, as used by
engine/evaluate/generation.ts), re-implemented here with SciPy: per window, the envelope
|hilbert(x)| (full band), mean removed, zero-padded to 4 N, amplitude spectrum 2/N |rfft|;
for harmonics h = 1, 2 of the defect frequency f (SKF 6205 BPFI / BPFO at the rpm), the peak
within max(5 % of h f, one bin fs/N) of h f against the median of the other bins within
max(f, 8 fs/N); a hit when peak >= 3 x median at either harmonic. Windows: the test stretch
(last 30 %) of each inner- and outer-race recording, non-overlapping, per-file standardised,
rpm from the file's own RPM variable; the product's generation cells use the mean rpm of the
cell's files (class x load), shown as `cell rpm`.

Variants, each changing one thing:
  L = 4096, 8192     longer windows: more defect periods per window, finer bins
  band 2-6 kHz       envelope of the band around the structural resonance (where CWRU's
                     impacts ring), the textbook envelope analysis
  file rpm           the file's own rpm instead of the cell mean

    python3 scripts/oracles/cwru_envelope_lines.py [../shared/data/cwru]

Needs NumPy and SciPy (pip install scipy, or Debian's python3-scipy); installs nothing.
"""
import csv
import os
import sys

import numpy as np
import scipy.io as sio
from scipy.signal import hilbert

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'data', 'cwru')
FS = 12000
# SKF 6205-2RS (CWRU drive end): 9 balls, d 0.3126 in, D 1.537 in, contact angle 0.
N_BALLS, BALL_D, PITCH_D = 9, 0.3126, 1.537
MULT = {'inner_race': N_BALLS / 2 * (1 + BALL_D / PITCH_D), 'outer_race': N_BALLS / 2 * (1 - BALL_D / PITCH_D)}
TOLERANCE, HARMONICS, MARGIN, PAD = 0.05, 2, 3.0, 4


def envelope_spectrum(x, band=None):
    n = len(x)
    if band is None:
        a = hilbert(x)
    else:  # brick-wall FFT band-pass before demodulation, as envelope.ts analyticSignal's band option
        X = np.fft.fft(x)
        h = np.zeros(n)
        h[0] = 1
        h[1:(n + 1) // 2] = 2
        if n % 2 == 0:
            h[n // 2] = 1
        f = np.arange(n) * FS / n
        h[(f < band[0]) | (f > band[1])] = 0
        a = np.fft.ifft(X * h)
    env = np.abs(a)
    env = env - env.mean()
    E = np.abs(np.fft.rfft(env, n * PAD)) * 2 / n
    return np.arange(len(E)) * FS / (n * PAD), E


def hit(x, target, band=None):
    freqs, amp = envelope_spectrum(x, band)
    bin_hz = FS / len(x)
    best = 0.0
    for h in range(1, HARMONICS + 1):
        f = h * target
        if f >= FS / 2:
            break
        half, bg_half = max(TOLERANCE * f, bin_hz), max(target, 8 * bin_hz)
        d = np.abs(freqs[1:] - f)
        peak, bg = amp[1:][d <= half], amp[1:][(d > half) & (d <= bg_half)]
        if len(peak) and len(bg):
            best = max(best, peak.max() / max(np.median(bg), np.finfo(float).tiny))
    return best >= MARGIN, best


files = []
for r in csv.DictReader(open(os.path.join(ROOT, 'LABELS.csv'))):
    if r['label'] not in MULT:
        continue
    m = sio.loadmat(os.path.join(ROOT, r['path']))
    x = m[r['signal_key']].ravel().astype(float)
    rpm_keys = [k for k in m if k.endswith('RPM')]
    rpm = float(np.ravel(m[rpm_keys[0]])[0]) if rpm_keys else None
    files.append({'path': r['path'], 'label': r['label'], 'domain': r['domain'], 'x': (x - x.mean()) / x.std(), 'rpm': rpm})
for f in files:
    same = [g['rpm'] for g in files if g['label'] == f['label'] and g['domain'] == f['domain'] and g['rpm']]
    f['cell_rpm'] = float(np.mean(same))

VARIANTS = [
    ('product: L 1024, full band, cell rpm', 1024, None, 'cell_rpm'),
    ('L 1024, full band, file rpm', 1024, None, 'rpm'),
    ('L 4096, full band, cell rpm', 4096, None, 'cell_rpm'),
    ('L 8192, full band, cell rpm', 8192, None, 'cell_rpm'),
    ('L 1024, band 2-6 kHz, cell rpm', 1024, (2000, 6000), 'cell_rpm'),
    ('L 4096, band 2-6 kHz, cell rpm', 4096, (2000, 6000), 'cell_rpm'),
]

print(f'CWRU {ROOT}: {len(files)} inner/outer-race recordings, test stretch = last 30 %, non-overlapping windows')
for f in files:
    print(f"  {f['path']:26s} rpm {f['rpm']:.0f}  cell rpm {f['cell_rpm']:.1f}  "
          f"BPFI {MULT['inner_race'] * f['rpm'] / 60:6.1f} Hz  BPFO {MULT['outer_race'] * f['rpm'] / 60:6.1f} Hz")
print()
print('| variant | windows IR / OR | defect periods per window (BPFI / BPFO) | BPFI hit rate (inner race) | BPFO hit rate (outer race) | median peak ratio IR / OR |')
print('|---|---|---|---|---|---|')
for name, L, band, rpm_key in VARIANTS:
    res = {'inner_race': [], 'outer_race': []}
    for f in files:
        x, s0 = f['x'], int(len(f['x']) * 0.7)
        target = MULT[f['label']] * f[rpm_key] / 60
        for st in range(s0, len(x) - L + 1, L):
            res[f['label']].append(hit(x[st:st + L], target, band))
    ir, orr = res['inner_race'], res['outer_race']
    periods = (MULT['inner_race'] * 1797 / 60 * L / FS, MULT['outer_race'] * 1797 / 60 * L / FS)
    rate = lambda r: np.mean([h for h, _ in r]) if r else float('nan')
    med = lambda r: np.median([v for _, v in r]) if r else float('nan')
    print(f'| {name} | {len(ir)} / {len(orr)} | {periods[0]:.1f} / {periods[1]:.1f} | {rate(ir):.3f} | {rate(orr):.3f} | {med(ir):.1f} / {med(orr):.1f} |')

print()
print('Per recording, product protocol (L 1024, full band, cell rpm): hit rate')
for f in files:
    x, s0 = f['x'], int(len(f['x']) * 0.7)
    target = MULT[f['label']] * f['cell_rpm'] / 60
    hs = [hit(x[st:st + 1024], target)[0] for st in range(s0, len(x) - 1024 + 1, 1024)]
    print(f"  {f['path']:26s} {np.mean(hs):.3f} ({len(hs)} windows)")
