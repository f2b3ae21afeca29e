"""Range counters: a row-major walk recomputes the row offset ``i * side`` for every element,
against hoisting it out of the inner loop (the repeats are recomputation: caching)."""
import random

CLAIM = "caching"
SIZES = (8,)


def inputs(size):
    rng = random.Random(size)
    return {"a": [rng.uniform(-1, 1) for _ in range(size * size)], "side": size, "s": 0.5}


def baseline(a, side, s):
    out = []
    for i in range(side):
        for j in range(side):
            out.append(a[i * side + j] * s)
    return out


def optimized(a, side, s):
    out = []
    for i in range(side):
        row = i * side
        for j in range(side):
            out.append(a[row + j] * s)
    return out
