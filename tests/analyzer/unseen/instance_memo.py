"""A manual memo on an instance: ``norm()`` recomputed at every access, against a ``_norm``
attribute filled on first use (the pattern ``functools.cached_property`` replaces)."""
import random

CLAIM = "caching"
SIZES = (16,)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)]}


class Vector:
    def __init__(self, xs):
        self.xs = xs
        self._norm = None

    def norm(self):
        total = 0.0
        for x in self.xs:
            total = total + x * x
        return total ** 0.5

    def cached_norm(self):
        if self._norm is None:
            self._norm = self.norm()
        return self._norm


def baseline(xs):
    v = Vector(xs)
    return [x / v.norm() for x in v.xs]


def optimized(xs):
    v = Vector(xs)
    return [x / v.cached_norm() for x in v.xs]
