"""``np.einsum('ij,jk,k->i', A, B, v)`` in numpy's default single loop nest over i, j, k, against
``optimize=True`` (contracted pairwise: B with v first, then A): a reordering of the sum of
products, not a compiler pass."""
import numpy as np

CLAIM = "unexplained"
SIZES = (16,)


def inputs(size):
    rng = np.random.default_rng(size)
    return {"A": rng.standard_normal((size, size)), "B": rng.standard_normal((size, size)),
            "v": rng.standard_normal(size)}


def baseline(A, B, v):
    return np.einsum("ij,jk,k->i", A, B, v)


def optimized(A, B, v):
    return np.einsum("ij,jk,k->i", A, B, v, optimize=True)
