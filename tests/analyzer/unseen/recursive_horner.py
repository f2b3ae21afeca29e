"""Recursion turned into iteration: Horner's rule written recursively on the tail of the
coefficient list, against the loop it unrolls into (the same multiplications and additions,
in the same order; no call per coefficient)."""
import random

CLAIM = "inlining"
SIZES = (16,)


def inputs(size):
    rng = random.Random(size)
    return {"cs": [rng.uniform(-1, 1) for _ in range(size)], "x": 0.7}


def horner(cs, x):
    if len(cs) == 1:
        return cs[0]
    return cs[0] + x * horner(cs[1:], x)


def baseline(cs, x):
    return horner(cs, x)


def optimized(cs, x):
    acc = cs[-1]
    for c in reversed(cs[:-1]):
        acc = c + x * acc
    return acc
