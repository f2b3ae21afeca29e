"""Cosine scores against the rows of a weight matrix known ahead of time (``STATIC``): the rows
normalized on every call, against normalized once in ``prepare``."""
import numpy as np

CLAIM = "partial-evaluation"
SIZES = (5,)            # queries
ROWS, COLS = 8, 6
STATIC = ("W",)


def inputs(size):
    rng = np.random.default_rng(size)
    return {"W": rng.standard_normal((ROWS, COLS)), "Q": rng.standard_normal((size, COLS))}


def normalized(W):
    return W / np.sqrt((W * W).sum(axis=1, keepdims=True))


def baseline(W, Q):
    return Q @ normalized(W).T


def prepare(W):
    return {"Wn": normalized(W)}


def optimized(Q, Wn):
    return Q @ Wn.T
