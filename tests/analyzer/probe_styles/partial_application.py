"""functools.partial: a kernel bound to its static parameters multiplies them on every call,
against binding the product computed once, ahead of time, in ``prepare``."""
import functools
import random

CLAIM = "partial-evaluation"
SIZES = (16,)
STATIC = ("a", "b")


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)], "a": 1.25, "b": -0.5}


def scaled(a, b, x):
    return x * (a * b)


def times(ab, x):
    return x * ab


def baseline(xs, a, b):
    f = functools.partial(scaled, a, b)
    return [f(x) for x in xs]


def prepare(a, b):
    return {"ab": a * b}


def optimized(xs, ab):
    f = functools.partial(times, ab)
    return [f(x) for x in xs]
