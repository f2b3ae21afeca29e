"""Tail-call elimination: Euclid's gcd as a tail-recursive function against the loop it compiles to.

Both versions do the same remainders and comparisons; the recursive one makes a call per
step (one stack frame each), the loop none.
"""
import random

CLAIM = "inlining"
SIZES = (8, 32, 128)     # pairs


def inputs(size):
    rng = random.Random(size)
    return {"pairs": [[rng.randrange(10**11, 10**12), rng.randrange(10**11, 10**12)] for _ in range(size)]}


def gcd(a, b):
    if b == 0:
        return a
    return gcd(b, a % b)     # tail call


def baseline(pairs):
    return [gcd(a, b) for a, b in pairs]


def optimized(pairs):
    out = []
    for a, b in pairs:
        while b != 0:         # the call became a jump to the entry
            a, b = b, a % b
        out.append(a)
    return out
