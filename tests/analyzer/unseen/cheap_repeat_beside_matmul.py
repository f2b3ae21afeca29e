"""Common-subexpression elimination of a cheap value beside an expensive one: ``v.sum()`` computed
twice next to a matrix-vector product, against computed once (the minimal form of a mask or bias
rebuilt in every layer: the repeat is under 1% of the arithmetic)."""
import numpy as np

CLAIM = "caching"
SIZES = (64,)


def inputs(size):
    rng = np.random.default_rng(size)
    return {"A": rng.standard_normal((size, size)), "v": rng.standard_normal(size)}


def baseline(A, v):
    y = A @ v
    return y * v.sum(), y - v.sum()


def optimized(A, v):
    y = A @ v
    s = v.sum()
    return y * s, y - s
