"""Constant folding / partial evaluation: Taylor coefficients of exp(scale*x) depend only on the static scale.

The baseline derives the coefficients on every call; the optimized version receives them
from ``prepare``, which runs once, ahead of time.
"""
import random

CLAIM = "partial-evaluation"
SIZES = (8, 32, 128)
STATIC = ("scale",)
ORDER = 12


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)], "scale": 0.5}


def coefficients(scale):
    coeffs = [1.0]
    for k in range(ORDER):
        coeffs.append(coeffs[-1] * scale / (k + 1))   # scale^k / k!
    return coeffs


def horner(coeffs, x):
    acc = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        acc = acc * x + c
    return acc


def baseline(xs, scale):
    coeffs = coefficients(scale)
    return [horner(coeffs, x) for x in xs]


def prepare(scale):
    return {"coeffs": coefficients(scale)}


def optimized(xs, coeffs):
    return [horner(coeffs, x) for x in xs]
