"""Dataclass methods: a body's kinetic energy computed by a method once for the total and again
for the maximum, against the energies computed once into a list."""
import random
from dataclasses import dataclass

CLAIM = "caching"
SIZES = (16,)


def inputs(size):
    rng = random.Random(size)
    return {"ms": [rng.uniform(1, 2) for _ in range(size)], "vs": [rng.uniform(-3, 3) for _ in range(size)]}


@dataclass
class Body:
    m: float
    v: float

    def kinetic(self):
        return 0.5 * self.m * self.v * self.v


def baseline(ms, vs):
    bodies = [Body(m, v) for m, v in zip(ms, vs)]
    return sum(b.kinetic() for b in bodies), max(b.kinetic() for b in bodies)


def optimized(ms, vs):
    energies = [Body(m, v).kinetic() for m, v in zip(ms, vs)]
    return sum(energies), max(energies)
