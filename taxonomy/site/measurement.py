"""The analyzer's measurement record, as the values the pages show.

The record (``analyzer.measurement.Measurement``) is strict, so there is nothing to guess
here: this module only picks what the site shows and orders it.

>>> from analyzer.measurement import Measurement, example
>>> view = measurement_view(Measurement.from_json(example()))
>>> view.verdict, view.shares
('caching', (('caching', 0.9), ('unexplained', 0.1)))
"""
from __future__ import annotations

from dataclasses import dataclass, field

from analyzer.machines import seconds_text
from analyzer.measurement import SHARE_KEYS, Measurement

COSTS = ("ops", "mults", "adds", "flops", "bytes", "calls", "traffic")   # the units a growth plot may use
VERSIONS = ("baseline", "optimized")
# The rows of a page's cost table: (field, what a reader calls it).
COST_ROWS = (("flops", "flops"), ("mults", "multiplications"), ("adds", "additions"), ("ops", "operations"),
             ("calls", "calls"), ("launches", "array ops launched"), ("bytes", "bytes written"),
             ("input_bytes", "input bytes read"), ("peak_bytes", "peak live bytes"),
             ("traffic", "slow-memory traffic"))
# What a verdict turns on: the rows a reader should look at first.
DECISIVE = {"ai-specific": ("input_bytes", "flops"), "inlining": ("calls", "launches", "bytes"),
            "caching": ("flops",), "dead-code-elimination": ("flops",), "partial-evaluation": ("flops",),
            "unexplained": ("flops", "mults"), "none": ()}


@dataclass(frozen=True)
class CostRow:
    name: str
    baseline: float | None
    optimized: float | None
    label: str = ""
    decisive: bool = False      # one of the figures the verdict turns on

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
    points: tuple[tuple[float, dict[str, float]], ...] = ()            # (size, {version: cost})
    sizes: tuple[float, ...] = ()
    probe: str = ""
    doc: str = ""
    front_ends: tuple[str, ...] = ()
    priced: PricedView | None = None


@dataclass(frozen=True)
class PricedView:
    """The savings in estimated time on a declared machine, as text a page shows."""
    machine: str
    baseline: str
    optimized: str
    by_measure: tuple[tuple[str, str], ...]     # (flops / traffic / launches, "-1.2 ms" saved or "+3 us" added)
    shares: tuple[tuple[str, float], ...]       # of the time saved (empty when none is saved)


def _priced(m: Measurement) -> PricedView | None:
    p = m.priced
    if p is None or (p.baseline == 0 and p.optimized == 0):
        return None
    return PricedView(
        p.machine, seconds_text(p.baseline), seconds_text(p.optimized),
        tuple((k, f"{'−' if v > 0 else '+'}{seconds_text(abs(v))}") for k, v in p.by_measure.items() if v),
        tuple((k, v) for k, v in sorted(p.shares.items(), key=lambda kv: -abs(kv[1])) if abs(v) >= 0.005)
        if p.saved > 0 else ())


def measurement_view(m: Measurement | None) -> MeasurementView | None:
    """What the site shows of one record (None when there is none)."""
    if m is None:
        return None
    unit = m.attribution.measure if m.attribution.measure in COSTS else "flops"
    decisive = ("traffic",) if m.attribution.measure == "traffic" and m.verdict != "ai-specific" \
        else DECISIVE.get(m.verdict, ())
    shares = tuple((k, m.attribution.shares[k]) for k in SHARE_KEYS if m.attribution.shares[k] != 0)
    baseline, optimized = m.baseline.to_json(), m.optimized.to_json()
    points = []
    for run in m.per_size:
        costs = {v: float(getattr(run, v).to_json()[unit]) for v in VERSIONS}
        costs = {v: c for v, c in costs.items() if c > 0}
        if costs:
            points.append((float(run.size), costs))
    growth = {v: {c: e for c, e in exps.items() if e is not None} for v, exps in (m.growth or {}).items()}
    return MeasurementView(
        verdict=m.verdict, direction=m.direction, equivalence=m.equivalence, max_rel_error=m.max_rel_error,
        explanation=m.explanation, measure=m.attribution.measure,
        costs=tuple(CostRow(c, float(baseline[c]), float(optimized[c]), label, c in decisive)
                    for c, label in COST_ROWS if baseline[c] or optimized[c]),
        shares=shares, growth={v: g for v, g in growth.items() if g},
        points=tuple(sorted(points)), sizes=tuple(float(s) for s in m.sizes),
        probe=m.probe, doc=m.doc, front_ends=tuple(m.front_ends), priced=_priced(m))
