"""Low-rank factorization (numpy): a linear layer W x against U (V x), with U and V the rank-r truncated SVD
of W computed ahead of time in ``prepare``.

W is a rank-r matrix plus a small full-rank remainder, as trained weights roughly are,
so the factorized layer approximates the original: it computes a different function.
The SVD runs on the raw array (``np.asarray``): the array tracer cannot cost
``np.linalg.svd``, whose result is a tuple of arrays of different shapes.
"""
import numpy as np

CLAIM = "ai-specific"
SIZES = (32, 64, 128)    # d = k
STATIC = ("w",)
BATCH = 8


def rank(size):
    return max(2, size // 8)


def inputs(size):
    rng = np.random.default_rng(size)
    r = rank(size)
    w = rng.standard_normal((size, r)) @ rng.standard_normal((r, size)) / np.sqrt(size)
    w = w + 0.01 * rng.standard_normal((size, size))
    return {"x": rng.standard_normal((size, BATCH)), "w": w}


def baseline(x, w):
    return w @ x


def prepare(w):
    u, s, vt = np.linalg.svd(np.asarray(w))
    r = rank(w.shape[0])
    return {"u": u[:, :r] * s[:r], "v": vt[:r]}


def optimized(x, u, v):
    return u @ (v @ x)
