"""Lookup table: population count of bytes, computed bit by bit per byte, against a 256-entry table built
ahead of time in ``prepare``.

The scalar tracer has no bitwise operators, so a bit is read as ``b % 2`` and shifted out
as ``b // 2``: 8 remainder-and-add steps per byte. The table is built from constants
(the domain 0..255), so it needs no STATIC input.
"""
import random

CLAIM = "partial-evaluation"
SIZES = (64, 256, 1024)  # bytes per call


def inputs(size):
    rng = random.Random(size)
    return {"data": [rng.randrange(256) for _ in range(size)]}


def popcount8(b):
    n = b % 2
    for _ in range(7):
        b = b // 2
        n = n + b % 2
    return n


def baseline(data):
    return [popcount8(b) for b in data]


def prepare():
    return {"pop8": [popcount8(b) for b in range(256)]}


def optimized(data, pop8):
    return [pop8[b] for b in data]
