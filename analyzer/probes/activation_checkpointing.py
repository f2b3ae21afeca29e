"""Activation checkpointing: backpropagation through a deep tanh network keeping every activation, against
keeping one in four and recomputing the others during the backward pass.

Recomputation is caching in reverse: the optimized version does MORE work, and what it
saves is memory (peak live bytes).
"""
import numpy as np

CLAIM = "caching"
SIZES = (8, 16, 32)      # layers
WIDTH = 64
SEGMENT = 4


def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((16, WIDTH)),
            "ws": [rng.standard_normal((WIDTH, WIDTH)) / np.sqrt(WIDTH) for _ in range(size)]}


def layer(h, w):
    return np.tanh(h @ w)


def backward_layer(grad, out, w):
    return (grad * (1.0 - out * out)) @ w.T


def baseline(x, ws):
    acts = [x]
    for w in ws:
        acts.append(layer(acts[-1], w))
    grad = np.ones_like(acts[-1])
    for i in range(len(ws) - 1, -1, -1):
        grad = backward_layer(grad, acts[i + 1], ws[i])
    return grad


def optimized(x, ws):
    checkpoints = {0: x}
    h = x
    for i, w in enumerate(ws):
        h = layer(h, w)
        if (i + 1) % SEGMENT == 0 and i + 1 < len(ws):
            checkpoints[i + 1] = h
    grad = np.ones_like(h)
    for start in range(SEGMENT * ((len(ws) - 1) // SEGMENT), -1, -SEGMENT):
        stop = min(start + SEGMENT, len(ws))
        acts = [checkpoints[start]]
        for i in range(start, stop):          # recompute this segment's activations
            acts.append(layer(acts[-1], ws[i]))
        for i in range(stop - 1, start - 1, -1):
            grad = backward_layer(grad, acts[i - start + 1], ws[i])
    return grad
