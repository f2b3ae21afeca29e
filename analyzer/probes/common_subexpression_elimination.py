"""Common-subexpression elimination: a soft-saturation x/(1+x) of the squared norm, whose norm is written twice."""
import random

CLAIM = "caching"
SIZES = (16, 64, 256)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-2, 2) for _ in range(size)],
            "ys": [rng.uniform(-2, 2) for _ in range(size)]}


def baseline(xs, ys):
    return [(x * x + y * y) / (1.0 + (x * x + y * y)) for x, y in zip(xs, ys)]


def optimized(xs, ys):
    out = []
    for x, y in zip(xs, ys):
        r = x * x + y * y
        out.append(r / (1.0 + r))
    return out
