"""Loop perforation: the mean of a per-sample computation over every sample, against the same loop
run over every second sample only (perforation rate 1/2).

Nothing learned, nothing from AI: a classical compiler transformation (Sidiroglou-Douskos et al.
2011) that trades a changed output for half the work, as quantization and pruning do. The
analyzer should find the outputs different: a function-changing optimization.
"""
import math
import random

CLAIM = "ai-specific"
SIZES = (64, 256, 1024)  # samples


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(0, 2) for _ in range(size)]}


def response(x):
    return math.exp(-x) * x * x


def baseline(xs):
    total = response(xs[0])
    for x in xs[1:]:
        total = total + response(x)
    return total / len(xs)


def optimized(xs):
    kept = xs[0::2]
    total = response(kept[0])
    for x in kept[1:]:
        total = total + response(x)
    return total / len(kept)
