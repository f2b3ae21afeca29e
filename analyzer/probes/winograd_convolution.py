"""Winograd minimal filtering F(2,3) against direct 1-D convolution with a 3-tap filter.

Per tile of two outputs: direct 6 multiplications and 4 additions; Winograd 4
multiplications and 8 additions, with the filter transform done once in ``prepare``.
"""
import random

CLAIM = "unexplained"        # filed beyond-the-four (algebraic restructuring), as measured
SIZES = (1, 8, 64)       # tiles of two outputs
STATIC = ("g",)


def inputs(size):
    rng = random.Random(size)
    return {"d": [rng.uniform(-1, 1) for _ in range(2 * size + 2)],
            "g": [rng.uniform(-1, 1) for _ in range(3)]}


def baseline(d, g):
    return [g[0] * d[i] + g[1] * d[i + 1] + g[2] * d[i + 2] for i in range(len(d) - 2)]


def prepare(g):
    # filter transform G g: [g0, (g0+g1+g2)/2, (g0-g1+g2)/2, g2]
    return {"u": [g[0], (g[0] + g[1] + g[2]) * 0.5, (g[0] - g[1] + g[2]) * 0.5, g[2]]}


def tile(d0, d1, d2, d3, u):
    m1 = (d0 - d2) * u[0]
    m2 = (d1 + d2) * u[1]
    m3 = (d2 - d1) * u[2]
    m4 = (d1 - d3) * u[3]
    return [m1 + m2 + m3, m2 - m3 - m4]


def optimized(d, u):
    out = []
    for t in range(0, len(d) - 2, 2):
        out += tile(d[t], d[t + 1], d[t + 2], d[t + 3], u)
    return out
