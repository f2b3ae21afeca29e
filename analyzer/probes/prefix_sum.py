"""Prefix sums: every prefix summed from its definition, against a running sum that extends the previous prefix."""
import random

CLAIM = "caching"
SIZES = (16, 64, 256)


def inputs(size):
    rng = random.Random(size)
    return {"x": [rng.uniform(-1, 1) for _ in range(size)]}


def baseline(x):
    out = []
    for i in range(len(x)):
        acc = x[0]
        for v in x[1:i + 1]:
            acc = acc + v
        out.append(acc)
    return out


def optimized(x):
    out = [x[0]]
    for v in x[1:]:
        out.append(out[-1] + v)
    return out
