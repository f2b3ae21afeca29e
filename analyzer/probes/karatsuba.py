"""Karatsuba multiplication of two polynomials (digit sequences without carries) against the schoolbook
product, on scalar coefficients.

Schoolbook: n^2 coefficient multiplications. Karatsuba splits each operand in halves,
computes z2 = x1*y1 and z0 = x0*y0, gets the middle term from ONE more product
(x1 + x0)(y1 + y0) - z2 - z0, and recurses down to single coefficients: n^log2(3).
"""
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (4, 16, 64)   # coefficients per operand (powers of two)


def inputs(size):
    rng = random.Random(size)
    return {"x": [rng.uniform(-1, 1) for _ in range(size)],
            "y": [rng.uniform(-1, 1) for _ in range(size)]}


def baseline(x, y):
    n = len(x)
    out = [None] * (2 * n - 1)
    for i in range(n):
        for j in range(n):
            p, k = x[i] * y[j], i + j      # the position once: the probe compares products, not bookkeeping
            out[k] = p if out[k] is None else out[k] + p
    return out


def add(a, b):
    return [p + q for p, q in zip(a, b)]


def sub(a, b):
    return [p - q for p, q in zip(a, b)]


def karatsuba(x, y):
    n = len(x)
    if n == 1:
        return [x[0] * y[0]]
    h = n // 2
    x0, x1, y0, y1 = x[:h], x[h:], y[:h], y[h:]
    z0 = karatsuba(x0, y0)
    z2 = karatsuba(x1, y1)
    z1 = sub(sub(karatsuba(add(x0, x1), add(y0, y1)), z2), z0)
    out = list(z0) + [None] + list(z2)          # z0 at 0..n-2, z2 at n..2n-2
    for k, v in enumerate(z1):                  # z1 shifted by h overlaps both
        out[k + h] = v if out[k + h] is None else out[k + h] + v
    return out


def optimized(x, y):
    return karatsuba(x, y)
