"""A three-point average with ``np.roll`` (periodic, then the two wrapped ends cropped), against
the same average on slices (only the interior is computed)."""
import numpy as np

CLAIM = "dead-code-elimination"
SIZES = (64,)


def inputs(size):
    return {"x": np.random.default_rng(size).standard_normal(size)}


def baseline(x):
    y = (np.roll(x, 1) + x + np.roll(x, -1)) / 3.0
    return y[1:-1]


def optimized(x):
    return (x[:-2] + x[1:-1] + x[2:]) / 3.0
