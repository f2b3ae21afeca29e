"""Lazy evaluation: a selector whose two candidate values are computed eagerly before it picks one.

For each input the baseline evaluates both expensive branches as arguments (call-by-value)
and keeps one; the optimized version passes thunks and forces only the one chosen.
"""
import random

CLAIM = "dead-code-elimination"
SIZES = (16, 64, 256)
TERMS = 8


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)]}


def expensive_a(x):          # a truncated series for exp(x)
    term, acc = x, 1.0 + x
    for k in range(2, TERMS):
        term = term * x / k
        acc = acc + term
    return acc


def expensive_b(x):          # a continued-fraction-like rational function
    acc = x
    for k in range(1, TERMS):
        acc = x / (k + acc * acc)
    return acc


def pick(flag, a, b):
    return a if flag else b


def pick_lazy(flag, a, b):
    return a() if flag else b()


def baseline(xs):
    return [pick(x > 0, expensive_a(x), expensive_b(x)) for x in xs]


def optimized(xs):
    return [pick_lazy(x > 0, lambda: expensive_a(x), lambda: expensive_b(x)) for x in xs]
