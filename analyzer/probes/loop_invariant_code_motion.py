"""Loop-invariant code motion: a gain computed from two loop-invariant inputs inside the loop, then hoisted."""
import random

CLAIM = "caching"
SIZES = (16, 64, 256)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)], "a": 3.0, "b": 4.0}


def baseline(xs, a, b):
    out = []
    for x in xs:
        gain = (a * a + b * b) ** 0.5      # the same value at every iteration
        out.append(x * gain + a)
    return out


def optimized(xs, a, b):
    gain = (a * a + b * b) ** 0.5
    return [x * gain + a for x in xs]
