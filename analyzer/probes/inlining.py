"""Inlining: the same polynomial evaluated through a chain of small helper calls, then with the chain inlined."""
import random

CLAIM = "inlining"
SIZES = (16, 64, 256)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)]}


def square(x):
    return x * x


def affine(x):
    return square(x) * 3.0 + 2.0


def activation(x):
    return affine(x) * x - 1.0


def baseline(xs):
    return [activation(x) for x in xs]


def optimized(xs):
    return [(x * x * 3.0 + 2.0) * x - 1.0 for x in xs]
