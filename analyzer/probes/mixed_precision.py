"""Mixed precision (numpy): a two-layer tanh MLP in float64, against the same MLP with weights and
activations stored in float16 and the products accumulated in float32.

The weights are cast once, in ``prepare``; each layer rounds its input to float16 and
multiplies in float32. Same operation count, fewer bytes, different (rounded) outputs.
"""
import numpy as np

CLAIM = "ai-specific"
SIZES = (32, 64, 128)    # width
STATIC = ("w1", "w2")
BATCH = 16


def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((BATCH, size)),
            "w1": rng.standard_normal((size, size)) / np.sqrt(size),
            "w2": rng.standard_normal((size, size)) / np.sqrt(size)}


def baseline(x, w1, w2):
    return np.tanh(np.tanh(x @ w1) @ w2)


def prepare(w1, w2):
    return {"h1": w1.astype(np.float16), "h2": w2.astype(np.float16)}


def layer(x, w16):
    x16 = x.astype(np.float16)                                  # activations stored in 16 bits
    return np.tanh(x16.astype(np.float32) @ w16.astype(np.float32))   # float32 accumulate


def optimized(x, h1, h2):
    return layer(layer(x, h1), h2)
