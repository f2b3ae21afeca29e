"""A generator pipeline: the first square above a threshold, taken from a list of every square
(eager), against the same pipeline over a generator (lazy: squares after the match are never made)."""
import random

CLAIM = "dead-code-elimination"
SIZES = (32,)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(0, 1) for _ in range(size)], "t": 0.81}


def baseline(xs, t):
    squares = [x * x for x in xs]
    return next(s for s in squares if s > t)


def optimized(xs, t):
    return next(s for s in (x * x for x in xs) if s > t)
