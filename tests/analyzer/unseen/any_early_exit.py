"""Early exit from ``any()``: a list of every test built first, against a generator that ``any``
stops reading at the first true one (the squares and tests after it are never made)."""
import random

CLAIM = "dead-code-elimination"
SIZES = (32,)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(0, 1) for _ in range(size)], "t": 0.81}


def baseline(xs, t):
    return any([x * x > t for x in xs])


def optimized(xs, t):
    return any(x * x > t for x in xs)
