"""Lambdas: three features are computed per element by lambdas and only the first is used,
against computing only that one (the others are dead)."""
import random

CLAIM = "dead-code-elimination"
SIZES = (16,)
FEATURES = (lambda x: x * x, lambda x: x + 1.0, lambda x: x * 3.0)


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(-1, 1) for _ in range(size)]}


def baseline(xs):
    out = []
    for x in xs:
        feats = [f(x) for f in FEATURES]
        out.append(feats[0])
    return out


def optimized(xs):
    square = FEATURES[0]
    return [square(x) for x in xs]
