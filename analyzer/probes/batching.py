"""Batching (numpy): one matrix-vector product per input against one matrix-matrix product for the batch.

The arithmetic is the same (B*d*k multiplications); the batched version makes one call
instead of B, and materializes no per-input result vectors before stacking them.
"""
import numpy as np

CLAIM = "inlining"
SIZES = (8, 32, 128)     # inputs per batch
D = 64


def inputs(size):
    rng = np.random.default_rng(size)
    return {"xs": rng.standard_normal((size, D)), "w": rng.standard_normal((D, D)) / 8}


def model(x, w):
    return w @ x


def baseline(xs, w):
    return np.stack([model(x, w) for x in xs])


def optimized(xs, w):
    return xs @ w.T
