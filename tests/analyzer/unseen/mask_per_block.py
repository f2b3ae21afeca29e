"""A lower-triangular mask built in every block (``np.tril(np.ones((n, n)))``), against built once
and handed to every block: the numpy form of a causal mask rebuilt in each layer."""
import numpy as np

CLAIM = "caching"
SIZES = (32,)
BLOCKS = 3


def inputs(size):
    rng = np.random.default_rng(size)
    return {"a": rng.standard_normal((size, size))}


def mask(n):
    return np.tril(np.ones((n, n)))


def baseline(a):
    for _ in range(BLOCKS):
        a = (a * mask(a.shape[0])) @ a
    return a


def optimized(a):
    m = mask(a.shape[0])
    for _ in range(BLOCKS):
        a = (a * m) @ a
    return a
