"""Loop fusion (numpy): two loops over the same index range, the first writing an intermediate array t,
the second reading it, against one fused pass that never materializes t.

Each loop is one numpy pass: ``t = a * 2.0`` then ``y = t + b``. The fused version makes
the same two elementwise calls but accumulates into its output buffer (``out=``), so no
n-element temporary is materialized between them. The arithmetic is unchanged.
"""
import numpy as np

CLAIM = "inlining"
SIZES = (1024, 16384, 65536)


def inputs(size):
    rng = np.random.default_rng(size)
    return {"a": rng.standard_normal(size), "b": rng.standard_normal(size)}


def baseline(a, b):
    t = a * 2.0          # loop 1: writes the intermediate t
    return t + b         # loop 2: reads t back


def optimized(a, b):
    y = np.multiply(a, 2.0)
    np.add(y, b, out=y)  # t[i] is consumed where it is produced: no separate t
    return y
