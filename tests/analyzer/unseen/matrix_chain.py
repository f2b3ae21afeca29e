"""Matrix-chain order: ``(A @ B) @ v`` (a matrix-matrix product first), against ``A @ (B @ v)``
(two matrix-vector products): associativity, an algebraic identity, not a compiler pass."""
import numpy as np

CLAIM = "unexplained"
SIZES = (16,)


def inputs(size):
    rng = np.random.default_rng(size)
    return {"A": rng.standard_normal((size, size)), "B": rng.standard_normal((size, size)),
            "v": rng.standard_normal(size)}


def baseline(A, B, v):
    return (A @ B) @ v


def optimized(A, B, v):
    return A @ (B @ v)
