"""Closures: a gain computed by a closure over ``a`` inside the loop, against computing it
once before the loop (the repeats are recomputation: caching)."""
import random

CLAIM = "caching"
SIZES = (16,)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)], "a": 0.75}


def baseline(xs, a):
    def gain():
        return a * a + 1.0
    return [x * gain() for x in xs]


def optimized(xs, a):
    def gain():
        return a * a + 1.0
    g = gain()
    return [x * g for x in xs]
