"""Prefix sums with builtins: ``sum`` of every prefix slice, against ``itertools.accumulate``."""
import itertools
import random

CLAIM = "caching"
SIZES = (16,)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)]}


def baseline(xs):
    return [sum(xs[:i + 1]) for i in range(len(xs))]


def optimized(xs):
    return list(itertools.accumulate(xs))
