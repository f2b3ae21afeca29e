"""Batch-norm folding (numpy): a linear layer followed by inference-mode batch normalization, with frozen
weights and statistics, against the same layer with the normalization folded into its weights.

Baseline, every call: ``y = x @ w + b`` then ``gamma * (y - mean) / sqrt(var + eps) + beta``.
``prepare`` computes ``s = gamma / sqrt(var + eps)``, ``w' = w * s`` and
``b' = (b - mean) * s + beta`` once; the optimized version runs ``x @ w' + b'``.
"""
import numpy as np

CLAIM = "partial-evaluation"
SIZES = (16, 32, 64)     # channels
STATIC = ("w", "b", "gamma", "beta", "mean", "var")
BATCH = 8
EPS = 1e-5


def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((BATCH, size)), "w": rng.standard_normal((size, size)) / np.sqrt(size),
            "b": rng.standard_normal(size), "gamma": rng.uniform(0.5, 1.5, size),
            "beta": rng.standard_normal(size), "mean": rng.standard_normal(size) * 0.1,
            "var": rng.uniform(0.5, 2.0, size)}


def baseline(x, w, b, gamma, beta, mean, var):
    y = x @ w + b
    return gamma * (y - mean) / np.sqrt(var + EPS) + beta


def prepare(w, b, gamma, beta, mean, var):
    s = gamma / np.sqrt(var + EPS)
    return {"wf": w * s, "bf": (b - mean) * s + beta}


def optimized(x, wf, bf):
    return x @ wf + bf
