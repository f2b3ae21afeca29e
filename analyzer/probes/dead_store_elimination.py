"""Dead-store elimination: a request handler that stores a status twice and wipes a derived key before returning.

Per request the baseline derives a 4-word key, uses it, then overwrites the key with
zeros (nothing reads it afterwards) and stores a status that the next line overwrites.
The optimized version keeps only the stores something reads.
"""
import random

CLAIM = "dead-code-elimination"
SIZES = (16, 64, 256)    # requests
KEY_WORDS = 4


def inputs(size):
    rng = random.Random(size)
    return {"reqs": [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(size)]}


def derive_key(r):
    return [r[0] * (k + 1.0) + r[1] for k in range(KEY_WORDS)]


def use_key(r, key):
    acc = r[2]
    for w in key:
        acc = acc * 0.5 + w
    return acc


def baseline(reqs):
    out = []
    for r in reqs:
        key = derive_key(r)
        value = use_key(r, key)
        key = [w * 0.0 for w in key]          # memset(key, 0): key dies here, no later read
        status = value * 2.0 + 1.0            # overwritten below before anything reads it
        status = value + 3.0
        out.append(status)
    return out


def optimized(reqs):
    out = []
    for r in reqs:
        key = derive_key(r)
        value = use_key(r, key)
        status = value + 3.0
        out.append(status)
    return out
