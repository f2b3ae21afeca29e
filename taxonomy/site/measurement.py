"""The analyzer's stored result, read tolerantly into what the pages show.

The analyzer writes `analyzer/measurements/<probe>.json`; its format may grow, and a
file may be partial or hand-edited, so every field is optional here and a wrong type
is treated as absent rather than an error.

>>> view = measurement_view({"verdict": "caching", "attribution": {"caching": 0.9, "measure": "flops"}})
>>> view.verdict, view.shares
('caching', (('caching', 0.9),))
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

COSTS = ("ops", "mults", "adds", "flops", "bytes", "calls")
VERSIONS = ("baseline", "optimized")
SHARE_ORDER = ("inlining", "partial-evaluation", "dead-code-elimination", "caching", "unexplained")
_NOT_SHARES = {"measure", "savings", "removable", "explained", "shares"}


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class CostRow:
    name: str
    baseline: float | None
    optimized: float | None

    @property
    def saved(self) -> float | None:
        if self.baseline is None or self.optimized is None:
            return None
        return self.baseline - self.optimized


@dataclass(frozen=True)
class MeasurementView:
    verdict: str | None = None
    direction: str | None = None
    equivalence: str | None = None
    max_rel_error: float | None = None
    explanation: str = ""
    measure: str | None = None
    costs: tuple[CostRow, ...] = ()
    shares: tuple[tuple[str, float], ...] = ()
    growth: dict[str, dict[str, float]] = field(default_factory=dict)   # version -> cost -> exponent
    points: tuple[tuple[float, dict[str, float]], ...] = ()            # (size, {version: flops})
    sizes: tuple[float, ...] = ()


def _shares(attribution: dict) -> tuple[tuple[str, float], ...]:
    """`{mechanism: share}`, flat (the analyzer's layout) or under a `shares` key."""
    source = _mapping(attribution.get("shares")) or attribution
    found = {str(k): _number(v) for k, v in source.items() if str(k) not in _NOT_SHARES}
    found = {k: v for k, v in found.items() if v is not None}
    ordered = [k for k in SHARE_ORDER if k in found] + sorted(k for k in found if k not in SHARE_ORDER)
    return tuple((k, found[k]) for k in ordered)


def _costs(cost: dict) -> tuple[CostRow, ...]:
    baseline, optimized = _mapping(cost.get("baseline")), _mapping(cost.get("optimized"))
    rows = [CostRow(n, _number(baseline.get(n)), _number(optimized.get(n))) for n in COSTS]
    return tuple(r for r in rows if r.baseline is not None or r.optimized is not None)


def _growth(growth: dict) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    for version, exponents in growth.items():
        values = {str(c): _number(e) for c, e in _mapping(exponents).items()}
        values = {c: e for c, e in values.items() if e is not None}
        if values:
            out[str(version)] = values
    return out


def _points(per_size: Any, unit: str) -> tuple[tuple[float, dict[str, float]], ...]:
    points = []
    for item in per_size if isinstance(per_size, list) else ():
        item = _mapping(item)
        size = _number(item.get("size"))
        costs = {v: _number(_mapping(item.get(v)).get(unit)) for v in VERSIONS}
        costs = {v: c for v, c in costs.items() if c is not None and c > 0}
        if size and size > 0 and costs:
            points.append((size, costs))
    return tuple(sorted(points, key=lambda p: p[0]))


def measurement_view(data: dict | None) -> MeasurementView | None:
    """The parts of a stored measurement the site can show, or None when there is none."""
    if not isinstance(data, dict) or not data:
        return None
    attribution = _mapping(data.get("attribution"))
    measure = attribution.get("measure") if isinstance(attribution.get("measure"), str) else None
    unit = measure if measure in COSTS else "flops"
    text = lambda key: str(data[key]) if isinstance(data.get(key), (str, int, float)) else None  # noqa: E731
    sizes = tuple(s for s in (_number(x) for x in data.get("sizes") or () if isinstance(data.get("sizes"), list))
                  if s is not None)
    return MeasurementView(
        verdict=text("verdict"), direction=text("direction"), equivalence=text("equivalence"),
        max_rel_error=_number(data.get("max_rel_error")), explanation=text("explanation") or "",
        measure=measure, costs=_costs(_mapping(data.get("cost"))), shares=_shares(attribution),
        growth=_growth(_mapping(data.get("growth"))), points=_points(data.get("per_size"), unit), sizes=sizes)
