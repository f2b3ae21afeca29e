"""Dead-code elimination: a running checksum and a variance that nothing returns (the variance reads only the checksum's inputs, and feeds only itself)."""
import random

CLAIM = "dead-code-elimination"
SIZES = (16, 64, 256)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)]}


def baseline(xs):
    total = xs[0]
    checksum = xs[0] * 0.5
    spread = xs[0] * xs[0]
    for x in xs[1:]:
        total = total + x
        checksum = checksum * 0.5 + x * 3.0   # never returned
        spread = spread + x * x                # only feeds the dead variance below
    variance = spread / len(xs) - (checksum / len(xs)) ** 2  # noqa: F841 — dead on purpose
    return total / len(xs)


def optimized(xs):
    total = xs[0]
    for x in xs[1:]:
        total = total + x
    return total / len(xs)
