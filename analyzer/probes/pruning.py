"""Magnitude pruning: the 75% smallest weights of a matrix-vector product are dropped; only the rest are multiplied."""
import random

CLAIM = "ai-specific"
SIZES = (8, 16, 32)
STATIC = ("w",)
KEEP = 0.25


def inputs(size):
    rng = random.Random(size)
    return {"x": [rng.uniform(-1, 1) for _ in range(size)],
            "w": [[rng.uniform(-1, 1) for _ in range(size)] for _ in range(size)]}


def baseline(x, w):
    out = []
    for j in range(len(w[0])):
        acc = x[0] * w[0][j]
        for i in range(1, len(x)):
            acc = acc + x[i] * w[i][j]
        out.append(acc)
    return out


def prepare(w):
    flat = sorted((abs(v), i, j) for i, row in enumerate(w) for j, v in enumerate(row))
    keep = {(i, j) for _, i, j in flat[int(len(flat) * (1 - KEEP)):]}
    columns = [[(i, w[i][j]) for i in range(len(w)) if (i, j) in keep] for j in range(len(w[0]))]
    return {"columns": columns}


def optimized(x, columns):
    out = []
    for column in columns:
        acc = 0.0
        for i, v in column:
            acc = acc + x[i] * v
        out.append(acc)
    return out
