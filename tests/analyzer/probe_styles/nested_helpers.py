"""Nested helper functions: a dot product through two helpers defined inside the baseline,
against the same arithmetic inline."""
import random

CLAIM = "inlining"
SIZES = (16,)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)], "ys": [rng.uniform(-1, 1) for _ in range(size)]}


def baseline(xs, ys):
    def term(x, y):
        return x * y

    def accumulate(acc, v):
        return acc + v
    total = 0.0
    for x, y in zip(xs, ys):
        total = accumulate(total, term(x, y))
    return total


def optimized(xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):
        total = total + x * y
    return total
