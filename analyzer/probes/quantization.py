"""int8 weight quantization: a linear layer whose weights are rounded to 8-bit integers with one scale."""
import numpy as np

CLAIM = "ai-specific"
SIZES = (16, 32, 64)
STATIC = ("w",)


def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((8, size)), "w": rng.standard_normal((size, size))}


def baseline(x, w):
    return x @ w


def prepare(w):
    scale = np.max(np.abs(w)) / 127.0
    return {"wq": np.round(w / scale).astype(np.int8), "scale": scale}


def optimized(x, wq, scale):
    return (x @ wq) * scale
