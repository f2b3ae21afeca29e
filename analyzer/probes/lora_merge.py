"""Merging a LoRA adapter into its frozen weight: x @ W + (x @ B) @ A on every call, against
x @ W' with W' = W + B @ A computed once, ahead of time.

The adapter B (d x r), A (r x k) and the base weight W (d x k) are fixed at inference (STATIC);
only the activations x (batch x d) change per call. The merge is exact up to rounding: matrix
products distribute over the sum, x @ W + (x @ B) @ A = x @ (W + B @ A). The baseline's adapter
path depends on x, so none of its work is static as written: the distributive and associative
rewrite is what turns it into a static product, B @ A, that prepare can fold. So the analyzer,
which credits partial evaluation only to operations whose operands are all static, measures the
saving unexplained, as it does batch-norm folding's; CLAIM is the filing of the entry it backs.
"""
import numpy as np

CLAIM = "partial-evaluation"   # the filing of batchnorm-folding, whose probe this is; measured: unexplained
SIZES = (16, 32, 64)     # model width d = k
STATIC = ("w", "a", "b")
BATCH = 8
RANK = 4


def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((BATCH, size)),
            "w": rng.standard_normal((size, size)) / np.sqrt(size),
            "b": rng.standard_normal((size, RANK)) / np.sqrt(size),
            "a": rng.standard_normal((RANK, size)) / np.sqrt(RANK)}


def baseline(x, w, a, b):
    return x @ w + (x @ b) @ a


def prepare(w, a, b):
    return {"merged": w + b @ a}


def optimized(x, merged):
    return x @ merged
