"""A sorted list searched by a linear scan, against ``bisect.bisect_left`` (binary search: an
algorithm that uses the order, not a classical compiler pass)."""
import bisect
import random

CLAIM = "unexplained"
SIZES = (63,)


def inputs(size):
    rng = random.Random(size)
    xs = sorted(rng.uniform(0, 1) for _ in range(size))
    return {"xs": xs, "t": xs[size - 5]}      # found at position size - 5


def baseline(xs, t):
    for i, x in enumerate(xs):
        if x >= t:
            return i
    return len(xs)


def optimized(xs, t):
    return bisect.bisect_left(xs, t)
