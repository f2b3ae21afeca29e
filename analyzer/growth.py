"""Growth: the exponent of each cost against size, fitted by least squares on log-log.

>>> round(exponent([16, 32, 64], [256, 1024, 4096]), 3)
2.0
"""
from __future__ import annotations

import math
from typing import Sequence

COSTS = ("ops", "mults", "adds", "flops", "bytes", "calls", "traffic")


def exponent(sizes: Sequence[float], costs: Sequence[float]) -> float | None:
    """Slope of log(cost) against log(size); None with fewer than two usable points."""
    points = [(math.log(s), math.log(c)) for s, c in zip(sizes, costs) if s > 0 and c > 0]
    if len(points) < 2:
        return None
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in points) / sxx


def exponents(sizes: Sequence[int], costs: Sequence[dict[str, dict[str, int]]]) -> dict[str, dict[str, float | None]]:
    """``costs[k][version][cost]`` at ``sizes[k]`` -> ``{version: {cost: exponent}}``."""
    versions = costs[0].keys() if costs else ()
    return {v: {c: exponent(sizes, [per[v][c] for per in costs]) for c in COSTS} for v in versions}
