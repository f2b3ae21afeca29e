"""Strength reduction: a strided gather whose address i*stride is multiplied out per iteration, against
a running index advanced by stride (one addition instead of one multiplication)."""
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (16, 64, 256)    # elements gathered


def inputs(size):
    rng = random.Random(size)
    return {"table": [rng.uniform(-1, 1) for _ in range(3 * size)], "stride": 3}


def baseline(table, stride):
    out = []
    for i in range(len(table) // 3):
        out.append(table[i * stride])
    return out


def optimized(table, stride):
    out = []
    k = 0
    for _ in range(len(table) // 3):
        out.append(table[k])
        k = k + stride           # the previous i*stride plus stride
    return out
