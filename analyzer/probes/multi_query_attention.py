"""Multi-query attention (numpy): h query heads with h key and value heads, against h query heads sharing
one key head and one value head.

The shared key and value projections are the mean of the per-head ones (mean-pooling,
as when a multi-head checkpoint is converted), computed once in ``prepare``. The keys
and values computed per call shrink by the number of heads; the output changes.
"""
import numpy as np

CLAIM = "ai-specific"
SIZES = (16, 32, 64)     # tokens
D = 64
HEADS = 8
DH = D // HEADS
STATIC = ("wq", "wk", "wv")


def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((size, D)), "wq": rng.standard_normal((D, D)) / 8,
            "wk": rng.standard_normal((D, D)) / 8, "wv": rng.standard_normal((D, D)) / 8}


def attend(q, k, v):
    s = q @ k.T / np.sqrt(DH)
    p = np.exp(s - np.max(s, axis=1)[:, None])
    return (p / np.sum(p, axis=1)[:, None]) @ v


def baseline(x, wq, wk, wv):
    q, k, v = x @ wq, x @ wk, x @ wv
    heads = [attend(q[:, h * DH:(h + 1) * DH], k[:, h * DH:(h + 1) * DH], v[:, h * DH:(h + 1) * DH])
             for h in range(HEADS)]
    return np.concatenate(heads, axis=1)


def prepare(wq, wk, wv):
    mk = sum(wk[:, h * DH:(h + 1) * DH] for h in range(HEADS)) / HEADS
    mv = sum(wv[:, h * DH:(h + 1) * DH] for h in range(HEADS)) / HEADS
    return {"wq": wq, "wk1": mk, "wv1": mv}


def optimized(x, wq, wk1, wv1):
    q, k, v = x @ wq, x @ wk1, x @ wv1           # one key head, one value head
    heads = [attend(q[:, h * DH:(h + 1) * DH], k, v) for h in range(HEADS)]
    return np.concatenate(heads, axis=1)
