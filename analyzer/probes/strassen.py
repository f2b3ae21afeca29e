"""Strassen's matrix multiplication against the naive triple loop, on scalars, recursing down to 1x1.

Naive: n^3 multiplications, n^2 (n-1) additions. Strassen at n = 2^k: 7^k multiplications
and 18 additions of (n/2)x(n/2) blocks per recursion level.
"""
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (2, 4, 8, 16)


def inputs(size):
    rng = random.Random(size)
    return {"a": [[rng.uniform(-1, 1) for _ in range(size)] for _ in range(size)],
            "b": [[rng.uniform(-1, 1) for _ in range(size)] for _ in range(size)]}


def baseline(a, b):
    n = len(a)
    out = []
    for i in range(n):
        row = []
        for j in range(n):
            acc = a[i][0] * b[0][j]
            for k in range(1, n):
                acc = acc + a[i][k] * b[k][j]
            row.append(acc)
        out.append(row)
    return out


def add(x, y):
    return [[p + q for p, q in zip(r, s)] for r, s in zip(x, y)]


def sub(x, y):
    return [[p - q for p, q in zip(r, s)] for r, s in zip(x, y)]


def split(m):
    h = len(m) // 2
    return ([r[:h] for r in m[:h]], [r[h:] for r in m[:h]],
            [r[:h] for r in m[h:]], [r[h:] for r in m[h:]])


def strassen(a, b):
    if len(a) == 1:
        return [[a[0][0] * b[0][0]]]
    a11, a12, a21, a22 = split(a)
    b11, b12, b21, b22 = split(b)
    m1 = strassen(add(a11, a22), add(b11, b22))
    m2 = strassen(add(a21, a22), b11)
    m3 = strassen(a11, sub(b12, b22))
    m4 = strassen(a22, sub(b21, b11))
    m5 = strassen(add(a11, a12), b22)
    m6 = strassen(sub(a21, a11), add(b11, b12))
    m7 = strassen(sub(a12, a22), add(b21, b22))
    c11 = add(sub(add(m1, m4), m5), m7)
    c12 = add(m3, m5)
    c21 = add(m2, m4)
    c22 = add(add(sub(m1, m2), m3), m6)
    top = [r + s for r, s in zip(c11, c12)]
    return top + [r + s for r, s in zip(c21, c22)]


def optimized(a, b):
    return strassen(a, b)
