"""Methods of a class: an affine map applied through a method call per element, against the
same arithmetic written inline (inlining removes the calls, not the arithmetic)."""
import random

CLAIM = "inlining"
SIZES = (16,)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)], "scale": 1.5, "shift": 0.25}


class Affine:
    def __init__(self, scale, shift):
        self.scale = scale
        self.shift = shift

    def apply(self, x):
        return x * self.scale + self.shift


def baseline(xs, scale, shift):
    f = Affine(scale, shift)
    return [f.apply(x) for x in xs]


def optimized(xs, scale, shift):
    return [x * scale + shift for x in xs]
