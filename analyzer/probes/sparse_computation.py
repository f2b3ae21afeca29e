"""Sparse computation: a matrix-vector product with a fixed matrix that is 90% zeros, dense against CSR.

The zeros are known ahead of time (``w`` is STATIC): ``prepare`` builds the compressed
rows, and the optimized version multiplies only the stored nonzeros. Unlike pruning,
nothing nonzero is dropped: both versions compute the same function.
"""
import random

CLAIM = "dead-code-elimination"
SIZES = (8, 16, 32)
STATIC = ("w",)
DENSITY = 0.1


def inputs(size):
    rng = random.Random(size)
    w = [[rng.uniform(-1, 1) if rng.random() < DENSITY else 0.0 for _ in range(size)] for _ in range(size)]
    for i in range(size):
        w[i][rng.randrange(size)] = rng.uniform(-1, 1)     # at least one nonzero per row
    return {"x": [rng.uniform(-1, 1) for _ in range(size)], "w": w}


def baseline(x, w):
    out = []
    for row in w:
        acc = row[0] * x[0]
        for j in range(1, len(x)):
            acc = acc + row[j] * x[j]
        out.append(acc)
    return out


def prepare(w):
    rows = []
    for row in w:
        rows.append([(j, v) for j, v in enumerate(row) if v != 0.0])
    return {"rows": rows}


def optimized(x, rows):
    out = []
    for row in rows:
        j, v = row[0]
        acc = v * x[j]
        for j, v in row[1:]:
            acc = acc + v * x[j]
        out.append(acc)
    return out
