"""Cosine scores of several queries against the rows of W: the rows normalized inside the loop
over queries, against normalized once before it (a loop-invariant array computation hoisted)."""
import numpy as np

CLAIM = "caching"
SIZES = (5,)            # queries
ROWS, COLS = 8, 6


def inputs(size):
    rng = np.random.default_rng(size)
    return {"W": rng.standard_normal((ROWS, COLS)), "Q": rng.standard_normal((size, COLS))}


def baseline(W, Q):
    out = []
    for q in Q:
        Wn = W / np.sqrt((W * W).sum(axis=1, keepdims=True))
        out.append(Wn @ q)
    return np.array(out)


def optimized(W, Q):
    Wn = W / np.sqrt((W * W).sum(axis=1, keepdims=True))
    out = []
    for q in Q:
        out.append(Wn @ q)
    return np.array(out)
