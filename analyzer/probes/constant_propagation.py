"""Constant propagation: a record encoder whose layout comes from configuration constants.

The configuration (lanes, bytes per lane, a growth threshold) flows through arithmetic and
a branch before it meets the data: ``size = lanes * 8``, ``if lanes > 16: size = grow(size)``,
a header offset and a scale derived from ``size``. The baseline re-derives all of it on
every call; the optimized version receives the propagated constants from ``prepare``
(the branch resolved, its untaken arm gone).
"""
import random

CLAIM = "partial-evaluation"
SIZES = (8, 32, 128)     # records per call
STATIC = ("lanes", "lane_bytes", "threshold")


def inputs(size):
    rng = random.Random(size)
    return {"xs": [rng.uniform(0, 100) for _ in range(size)],
            "lanes": 4, "lane_bytes": 8, "threshold": 16}


def grow(size):
    return size * 2 + 64


def layout(lanes, lane_bytes, threshold):
    size = lanes * lane_bytes
    if lanes > threshold:
        size = grow(size)
    header = size // 4 + 2
    scale = 1.0 / (size - header)
    return header, scale


def baseline(xs, lanes, lane_bytes, threshold):
    header, scale = layout(lanes, lane_bytes, threshold)
    return [header + x * scale for x in xs]


def prepare(lanes, lane_bytes, threshold):
    header, scale = layout(lanes, lane_bytes, threshold)
    return {"header": header, "scale": scale}


def optimized(xs, header, scale):
    return [header + x * scale for x in xs]
