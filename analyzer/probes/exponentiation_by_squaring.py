"""Exponentiation by squaring against multiplying x into an accumulator n - 1 times, for several bases.

The binary method reads the exponent's bits left to right: one squaring per bit, one more
multiplication per set bit, at most 2*floor(log2 n) multiplications. The bits are read
from ``bin(n)`` so that no integer arithmetic on n enters the count.
"""
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (64, 256, 1024)   # exponent n
BASES = 8


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(0.999, 1.001) for _ in range(BASES)], "n": size - 1}


def baseline(xs, n):
    steps = n - 1
    out = []
    for x in xs:
        r = x
        for _ in range(steps):
            r = r * x
        out.append(r)
    return out


def optimized(xs, n):
    bits = bin(n)[3:]             # the bits after the leading 1
    out = []
    for x in xs:
        r = x
        for bit in bits:
            r = r * r
            if bit == "1":
                r = r * x
        out.append(r)
    return out
