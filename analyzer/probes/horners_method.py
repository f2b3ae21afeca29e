"""Horner's method against term-by-term evaluation of a degree-n polynomial at several points.

The baseline computes every power x^k from scratch (k - 1 multiplications, about n^2/2 in
all) and adds a_k * x^k; Horner nests it, r = r*x + a_k: n multiplications and n additions.
"""
import random

CLAIM = "caching"
SIZES = (8, 16, 32)      # degree
POINTS = 8


def inputs(size):
    rng = random.Random(size)
    return {"a": [rng.uniform(-1, 1) for _ in range(size + 1)],
            "xs": [rng.uniform(-1, 1) for _ in range(POINTS)]}


def power(x, k):
    p = x
    for _ in range(k - 1):
        p = p * x
    return p


def baseline(a, xs):
    out = []
    for x in xs:
        acc = a[0]
        for k in range(1, len(a)):
            acc = acc + a[k] * power(x, k)
        out.append(acc)
    return out


def optimized(a, xs):
    out = []
    for x in xs:
        r = a[-1]
        for c in reversed(a[:-1]):
            r = r * x + c
        out.append(r)
    return out
