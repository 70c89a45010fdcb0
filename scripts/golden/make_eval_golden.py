#!/usr/bin/python3
"""Golden values for the evaluation metric library (src-main/engine/metrics/), computed by
SciPy / scikit-learn / NumPy: the independent implementations the TypeScript metrics are
tested against (tests/unit/metrics/golden.test.ts).

Needs Debian's packages (installs nothing itself):
    apt-get update && apt-get install -y python3-scipy python3-sklearn python3-numpy
Run from the repository root:
    /usr/bin/python3 scripts/golden/make_eval_golden.py
It draws every input from a fixed seed, stores the inputs next to the results, and
writes tests/fixtures/eval/golden.json (deterministic: re-running gives the same file
for the same library versions, which are recorded in it).
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.signal
import scipy.stats
import sklearn
from scipy.spatial.distance import pdist, cdist
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

SEED = 20261205
rng = np.random.RandomState(SEED)
OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'fixtures', 'eval', 'golden.json')


def fl(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def ks_case(name, a, b):
    r = scipy.stats.ks_2samp(a, b)  # alternative='two-sided', method='auto'
    return {'name': name, 'a': fl(a), 'b': fl(b), 'statistic': float(r.statistic), 'pvalue': float(r.pvalue)}


# --- ks_2samp: exact (max n ≤ 10000) and asymptotic -------------------------------
ks = [
    ks_case('small_unequal', rng.normal(size=37), rng.normal(0.5, 1, size=53)),
    ks_case('small_equal', rng.normal(size=40), rng.normal(0.8, 1, size=40)),
    ks_case('ties', np.round(rng.normal(size=60), 1), np.round(rng.normal(0.3, 1.2, size=45), 1)),
    ks_case('same_law', rng.normal(size=300), rng.normal(size=500)),
    ks_case('tiny_p', rng.normal(size=200), rng.normal(1.0, 1, size=150)),
    ks_case('large_asymp', np.round(rng.normal(size=10500), 2), np.round(rng.normal(0.03, 1, size=11000), 2)),
]
# kstwo.sf over the branches of scipy's _kolmogn (n small/large, n·x² regimes).
kstwo = []
for n in [5, 37, 140, 141, 1000, 5000, 200000]:
    for nx2 in [0.3, 0.7, 1.5, 3.0, 6.0]:
        x = float(np.sqrt(nx2 / n))
        if x < 1:
            kstwo.append({'n': n, 'x': x, 'sf': float(scipy.stats.kstwo.sf(x, n))})
for n, x in [(10, 0.07), (10, 0.95), (10, 0.6), (400, 0.0021)]:
    kstwo.append({'n': n, 'x': x, 'sf': float(scipy.stats.kstwo.sf(x, n))})

# --- Welch PSD --------------------------------------------------------------------
fs = 12000.0
t = np.arange(3000) / fs
xw = np.sin(2 * np.pi * 1234.5 * t) + 0.5 * rng.normal(size=t.size) + 0.3
welch = []
for nperseg in [256, 100]:
    f, p = scipy.signal.welch(xw, fs=fs, window='hann', nperseg=nperseg, noverlap=nperseg // 2,
                              detrend='constant', scaling='density')
    welch.append({'nperseg': nperseg, 'freqs': fl(f), 'psd': fl(p)})

# --- Hilbert envelope ---------------------------------------------------------------
hilbert = []
for n in [64, 63, 1000]:
    tt = np.arange(n) / fs
    x = (1 + 0.5 * np.cos(2 * np.pi * 160 * tt)) * np.sin(2 * np.pi * 3000 * tt) + 0.1 * rng.normal(size=n)
    a = scipy.signal.hilbert(x)
    hilbert.append({'x': fl(x), 'real': fl(a.real), 'imag': fl(a.imag), 'envelope': fl(np.abs(a))})

# --- AUROC with ties ------------------------------------------------------------------
yl = (rng.uniform(size=120) < 0.4).astype(int)
sc = np.round(rng.normal(size=120) + 0.8 * yl, 1)
auroc = {'labels': [int(v) for v in yl], 'scores': fl(sc), 'auc': float(roc_auc_score(yl, sc))}

# --- Logistic regression (multinomial, L2, C = 1, standardised) ------------------------
def blobs(n, centers, scale):
    X, y = [], []
    for i in range(n):
        c = i % len(centers)
        X.append(np.asarray(centers[c]) + scale * rng.normal(size=len(centers[c])))
        y.append(c)
    return np.array(X), np.array(y)

centers3 = [[0, 0, 0, 0, 0], [1.2, 0.5, 0, -0.4, 0], [0, 1.0, 1.0, 0, 0.6]]
Xtr, ytr = blobs(300, centers3, 1.0)
Xte, yte = blobs(150, centers3, 1.0)
Xtr[:, 3] *= 50.0  # unequal scales: standardisation matters
Xte[:, 3] *= 50.0
lr = make_pipeline(StandardScaler(), LogisticRegression(C=1.0, tol=1e-10, max_iter=10000))
lr.fit(Xtr, ytr)
logistic_multi = {'Xtrain': fl(Xtr), 'ytrain': [int(v) for v in ytr], 'Xtest': fl(Xte), 'ytest': [int(v) for v in yte],
                  'd': 5, 'C': 1.0, 'accuracy': float(lr.score(Xte, yte)), 'proba': fl(lr.predict_proba(Xte))}
Xb, yb = blobs(80, [[0, 0], [2.5, 1.0]], 0.8)
Xbt, ybt = blobs(40, [[0, 0], [2.5, 1.0]], 0.8)
lrb = make_pipeline(StandardScaler(), LogisticRegression(C=0.5, tol=1e-10, max_iter=10000)).fit(Xb, yb)
logistic_binary = {'Xtrain': fl(Xb), 'ytrain': [int(v) for v in yb], 'Xtest': fl(Xbt), 'ytest': [int(v) for v in ybt],
                   'd': 2, 'C': 0.5, 'accuracy': float(lrb.score(Xbt, ybt)), 'proba': fl(lrb.predict_proba(Xbt))}

# --- Moments: Pearson kurtosis and skewness ----------------------------------------------
mom_x = np.stack([rng.normal(size=512), rng.standard_t(4, size=512), rng.exponential(size=512)])
moments = {'L': 512, 'x': fl(mom_x),
           'kurtosis': fl(scipy.stats.kurtosis(mom_x, axis=1, fisher=False)),
           'skewness': fl(scipy.stats.skew(mom_x, axis=1)),
           'rms': fl(np.sqrt(np.mean(mom_x ** 2, axis=1))),
           'spectral_centroid_hz': []}
for w in mom_x:
    P = np.abs(np.fft.rfft(w - w.mean())) ** 2
    f = np.arange(P.size) * fs / w.size
    moments['spectral_centroid_hz'].append(float(np.sum(f[1:] * P[1:]) / np.sum(P[1:])))

# --- MMD²_u, RBF kernel, median heuristic on the pooled sample -------------------------
def mmd2_unbiased(X, Y):
    Z = np.vstack([X, Y])
    sigma = np.median(pdist(Z))
    k = lambda A, B: np.exp(-cdist(A, B, 'sqeuclidean') / (2 * sigma ** 2))
    m, n = len(X), len(Y)
    Kxx, Kyy, Kxy = k(X, X), k(Y, Y), k(X, Y)
    return (Kxx.sum() - np.trace(Kxx)) / (m * (m - 1)) + (Kyy.sum() - np.trace(Kyy)) / (n * (n - 1)) - 2 * Kxy.mean(), sigma

mx = rng.normal(size=(40, 3))
my = rng.normal(size=(50, 3)) * np.array([1.0, 1.5, 1.0]) + np.array([0.4, 0, 0])
m2, sig = mmd2_unbiased(mx, my)
mmd = {'x': fl(mx), 'y': fl(my), 'd': 3, 'mmd2': float(m2), 'bandwidth': float(sig)}

# --- Binomial tail (C2ST p-value) --------------------------------------------------------
binom = [{'k': k, 'n': n, 'sf': float(scipy.stats.binom.sf(k - 1, n, 0.5))} for k, n in [(60, 100), (530, 1000), (700, 1000), (10, 10), (3, 40)]]

golden = {
    'generator': 'scripts/golden/make_eval_golden.py', 'seed': SEED,
    'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__, 'sklearn': sklearn.__version__},
    'ks_2samp': ks, 'kstwo_sf': kstwo,
    'welch': {'fs': fs, 'x': fl(xw), 'cases': welch},
    'hilbert': hilbert, 'roc_auc': auroc,
    'logistic_multinomial': logistic_multi, 'logistic_binary': logistic_binary,
    'moments': moments, 'mmd': mmd, 'binom_sf': binom,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, 'w') as fh:
    json.dump(golden, fh, separators=(',', ':'))
print('wrote', os.path.normpath(OUT), os.path.getsize(OUT), 'bytes')
for c in ks:
    print('ks', c['name'], c['statistic'], c['pvalue'])
print('logistic acc', logistic_multi['accuracy'], logistic_binary['accuracy'], 'auc', auroc['auc'], 'mmd', m2, sig)
