#!/usr/bin/python3
"""MATLAB files in the shapes users have, written by SciPy (scipy.io.savemat), for the MAT
reader's struct and "no signal" tests (tests/unit/data/readers/mat-structs.test.ts): a signal
and its rate kept in a struct, nested structs, a struct array, a cell. SciPy is the reference
writer here, so the reader is not only checked against the test suite's own MAT writer.

Needs Debian's packages (installs nothing itself):
    apt-get update && apt-get install -y python3-scipy python3-numpy
Run from the repository root:
    /usr/bin/python3 scripts/golden/make_mat_struct_fixtures.py
Writes tests/fixtures/data/mat-structs/*.mat and values.json (the values the test expects,
computed here, with the library versions). Deterministic for the same versions.
"""
import json
import os

import numpy as np
import scipy
import scipy.io as sio

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'fixtures', 'data', 'mat-structs')
os.makedirs(OUT, exist_ok=True)

n = 3000
t = np.arange(n) / 12000.0
gs = (np.sin(2 * np.pi * 157.0 * t) + 0.25 * np.sin(2 * np.pi * 3100.0 * t)).reshape(n, 1)
acc2 = np.stack([np.cos(2 * np.pi * 50.0 * t[:2000]), np.linspace(-1, 1, 2000)], axis=1)  # (2000, 2)

# A recording as many lab exports keep it: x.gs the signal, x.sr its rate, x.rpm the speed.
sio.savemat(os.path.join(OUT, 'struct_signal.mat'), {'x': {'gs': gs, 'sr': 12000.0, 'rpm': 1797.0}}, do_compression=True)
# Two levels: rec.data.acc (2 channels) with its rate in rec.meta.fs; a top-level note.
sio.savemat(os.path.join(OUT, 'struct_nested.mat'), {
    'rec': {'data': {'acc': acc2}, 'meta': {'fs': 25600.0, 'operator': 'lab 3'}},
    'note': 'bench 2',
})
# A struct array (1×2): its fields are listed, not read; a cell of numbers: listed.
arr = np.empty((1, 2), dtype=[('gs', object), ('sr', object)])
arr[0, 0] = (gs[:100], 12000.0)
arr[0, 1] = (gs[100:200], 12000.0)
cell = np.empty((1, 2), dtype=object)
cell[0, 0] = gs[:50]
cell[0, 1] = gs[50:100]
sio.savemat(os.path.join(OUT, 'no_signal.mat'), {'runs': arr, 'c': cell, 'label': 'inner race'})

values = {
    'scipy': scipy.__version__,
    'numpy': np.__version__,
    'struct_signal': {'length': n, 'first': [float(v) for v in gs[:4, 0]], 'sum': float(gs.sum()), 'sr': 12000.0, 'rpm': 1797.0},
    'struct_nested': {'length': 2000, 'channels': 2, 'first': [[float(v) for v in acc2[i]] for i in range(3)], 'fs': 25600.0},
    # What scipy sees in each file, for comparison with the reader's lists.
    'whosmat': {f: [[name, list(shape), cls] for name, shape, cls in sio.whosmat(os.path.join(OUT, f))]
                for f in ('struct_signal.mat', 'struct_nested.mat', 'no_signal.mat')},
}
with open(os.path.join(OUT, 'values.json'), 'w') as fh:
    json.dump(values, fh, indent=1)
    fh.write('\n')
print('wrote', sorted(os.listdir(OUT)))
