#!/usr/bin/python3
"""An independent ceiling check for the 4-way 5-shot target (docs/EVALUATION.md): prototypical
few-shot on hand-crafted features (log Welch PSD at three resolutions, log envelope
spectrum, four moments) of the CWRU test stretches, under the evaluation's rules: the
normal recording corrected to 48 kHz and resampled to 12 kHz, per-file standardisation,
test = the last 30 % of each recording in non-overlapping 1024-sample windows, support and
query of a class from disjoint 4-window groups, 9 queries per class, 300 episodes.

    /usr/bin/python3 scripts/oracles/cwru_logpsd_fewshot.py [../shared/data/cwru]

Needs Debian's python3-scipy and python3-numpy; installs nothing.
"""
import csv
import os
import sys

import numpy as np
import scipy.io as sio
from scipy.signal import hilbert, resample_poly, welch

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', '..', 'shared', 'data', 'cwru')
L, SHOT, QUERY, EPISODES = 1024, 5, 9, 300

feats, labels, groups = {}, [], []
for fi, r in enumerate(csv.DictReader(open(os.path.join(ROOT, 'LABELS.csv')))):
    x = sio.loadmat(os.path.join(ROOT, r['path']))[r['signal_key']].ravel()
    if r['label'] == 'normal':
        x = resample_poly(x, 1, 4)  # recorded at 48 kHz
    x = (x - x.mean()) / x.std()
    s0 = int(len(x) * 0.7)
    for st in range(s0, len(x) - L + 1, L):
        w = x[st:st + L]
        for nps in (64, 128, 256):
            feats.setdefault(f'log_psd_{nps}', []).append(np.log(welch(w, fs=12000, nperseg=nps)[1] + 1e-12))
        env = np.abs(hilbert(w))
        env -= env.mean()
        feats.setdefault('log_envelope', []).append(np.log(np.abs(np.fft.rfft(env * np.hanning(L)))[1:120] + 1e-6))
        c = w - w.mean()
        feats.setdefault('moments', []).append([np.log(w.std()), (c ** 4).mean() / w.var() ** 2, np.abs(w).max() / w.std(), (c ** 3).mean() / w.std() ** 3])
        labels.append(r['label'])
        groups.append(fi * 1000 + (st - s0) // (4 * L))
labels, groups = np.array(labels), np.array(groups)
classes = sorted(set(labels))


def few_shot(Z, l2, rng):
    W = (Z - Z.mean(0)) / (Z.std(0) + 1e-9)
    if l2:
        W = W / np.linalg.norm(W, axis=1, keepdims=True)
    acc = []
    for _ in range(EPISODES):
        protos, q, qy = [], [], []
        for ci, c in enumerate(classes):
            idx = np.where(labels == c)[0]
            gs = np.unique(groups[idx])
            rng.shuffle(gs)
            sup, k = [], 0
            while len(sup) < SHOT:
                sup += list(idx[groups[idx] == gs[k]])
                k += 1
            rest = idx[np.isin(groups[idx], gs[k:])]
            protos.append(W[rng.choice(sup, SHOT, replace=False)].mean(0))
            qq = rng.choice(rest, min(QUERY, len(rest)), replace=False)
            q += list(qq)
            qy += [ci] * len(qq)
        pred = ((W[q][:, None] - np.array(protos)[None]) ** 2).sum(-1).argmin(1)
        acc.append((pred == np.array(qy)).mean())
    return 100 * np.mean(acc)


print(f'{len(labels)} test windows, classes {classes}')
for name, rows in feats.items():
    Z = np.array(rows, dtype=float)
    print(f'{name:14s} z-score {few_shot(Z, False, np.random.RandomState(0)):.1f} %   z-score+L2 {few_shot(Z, True, np.random.RandomState(0)):.1f} %')
