#!/usr/bin/python3
"""Golden values for the polyphase resampler (src-main/data/resample.ts), computed by
scipy.signal.resample_poly at its defaults (window=('kaiser', 5.0), padtype='constant'):
the implementation the TypeScript resampler is tested against
(tests/unit/data/resample.test.ts).

Needs Debian's packages (installs nothing itself):
    apt-get update && apt-get install -y python3-scipy python3-numpy
Run from the repository root:
    /usr/bin/python3 scripts/golden/make_resample_golden.py
It draws every input from a fixed seed, stores the inputs next to the results, and
writes tests/fixtures/data/resample-golden.json (deterministic: re-running gives the same
file for the same library versions, which are recorded in it).
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.signal

SEED = 20261206
rng = np.random.RandomState(SEED)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'fixtures', 'data', 'resample-golden.json')


def fl(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def case(name, x, up, down):
    # Inputs rounded to float32 so the TypeScript side (Float32Array signals) sees the same values.
    x = np.asarray(x, dtype=np.float32).astype(np.float64)
    y = scipy.signal.resample_poly(x, up, down)
    return {'name': name, 'up': up, 'down': down, 'x': fl(x), 'y': fl(y)}


t = np.arange(1500)
sine = np.sin(2 * np.pi * 161.6 * t / 48000) + 0.3 * np.cos(2 * np.pi * 3000 * t / 48000 + 0.4)
cases = [
    case('random_1_4', rng.normal(size=1203), 1, 4),
    case('random_4_1', rng.normal(size=517), 4, 1),
    case('random_3_2', rng.normal(size=1000), 3, 2),
    case('random_2_3', rng.normal(size=1999), 2, 3),
    case('random_8_12_gcd', rng.normal(size=701), 8, 12),  # reduces to 2/3
    case('random_147_40', rng.normal(size=613), 40, 147),   # 44.1 kHz → 12 kHz
    case('random_short_1_4', rng.normal(size=7), 1, 4),     # shorter than the filter
    case('sine_1_4', sine, 1, 4),
    case('sine_3_2', sine, 3, 2),
]
# up = down = 1: scipy returns x.copy() without filtering.
x11 = rng.normal(size=50).astype(np.float32).astype(np.float64)
y11 = scipy.signal.resample_poly(x11, 1, 1)
identity = {'x': fl(x11), 'y': fl(y11), 'is_copy': bool(np.array_equal(x11, y11))}

golden = {
    'generator': 'scripts/golden/make_resample_golden.py', 'seed': SEED,
    'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__},
    'cases': cases, 'identity': identity,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as fh:
    json.dump(golden, fh, separators=(',', ':'))
print('wrote', os.path.normpath(OUT), os.path.getsize(OUT), 'bytes')
for c in cases:
    print(c['name'], c['up'], c['down'], len(c['x']), '->', len(c['y']))
print('identity is a plain copy:', identity['is_copy'])
