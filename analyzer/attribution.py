"""Attribution: how much of the saved work each classical mechanism explains.

For mechanism m, the work it explains is what m could remove from the baseline minus what
m could still remove from the optimized version: an optimization *exercises* caching when
it removes redundancy, not merely when the baseline had some. Shares are those amounts
over the savings S; what no mechanism explains is ``unexplained``.

An op removable by several mechanisms is counted once, in this order: dead (DCE removes
it whole), redundant (a cache removes every repeat, at run time), static (what is left of
work on inputs known ahead of time: its first computation, which only partial evaluation
moves out of the call). So hoisting static work at run time is caching, and moving it
into ``prepare`` is partial evaluation.

The measure is flops when flops were saved; otherwise multiplications when those were
saved (Winograd trades multiplications for additions); otherwise, when the arithmetic is
unchanged, boundaries (calls, launches, intermediates: inlining), then bytes materialized
(the same calls, fused through buffers: inlining); otherwise flops again,
which makes S negative for a trade-off such as recomputation (shares then say which
mechanism the optimized version runs *in reverse*).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analyzer.passes.boundaries import Boundaries
from analyzer.passes.liveness import Liveness
from analyzer.passes.redundancy import Redundancy
from analyzer.passes.staging import Staging
from analyzer.trace import Cost, Trace, record_cost

CACHING = "caching"
DCE = "dead-code-elimination"
PARTIAL_EVALUATION = "partial-evaluation"
INLINING = "inlining"
UNEXPLAINED = "unexplained"
MECHANISMS = (CACHING, DCE, PARTIAL_EVALUATION, INLINING)
COST_PARTS = {"flops": None, "mults": 0}


@dataclass(frozen=True)
class Measured:
    """One traced version and what each pass found in it."""
    trace: Trace
    cost: Cost
    redundancy: Redundancy
    liveness: Liveness
    staging: Staging
    boundaries: Boundaries


@dataclass(frozen=True)
class Attribution:
    measure: str | None                       # "flops", "mults", "boundaries", "bytes", or None: nothing saved
    savings: float                            # S in that measure
    removable: dict[str, dict[str, float]]    # "baseline"/"optimized" -> mechanism -> amount
    explained: dict[str, float]               # mechanism -> removable(baseline) - removable(optimized)
    shares: dict[str, float]                  # mechanism (and "unexplained") -> explained / S

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "savings": self.savings, "removable": self.removable,
                "explained": self.explained, **self.shares}


def savings(baseline: Cost, optimized: Cost) -> dict[str, int]:
    b, o = baseline.as_dict(), optimized.as_dict()
    return {k: b[k] - o[k] for k in b}


def removable(m: Measured, measure: str) -> dict[str, float]:
    """Work each mechanism could remove from one version, each op counted once."""
    part = COST_PARTS[measure]
    records = m.trace.records

    def work(i: int) -> int:
        c = record_cost(records[i])
        return c[0] + c[1] + c[2] if part is None else c[part]

    dead = m.liveness.dead
    repeated = {i: f for i, f in m.redundancy.fraction.items() if i not in dead}
    static = 0.0
    for i in m.staging.static:
        if i not in dead:
            static += (1.0 - repeated.get(i, 0.0)) * work(i)
    return {DCE: float(sum(work(i) for i in dead)),
            CACHING: float(sum(f * work(i) for i, f in repeated.items())),
            PARTIAL_EVALUATION: static,
            INLINING: 0.0}  # inlining removes boundaries, never arithmetic


def _measure(saved: dict[str, int], b: Measured, o: Measured) -> str | None:
    if saved["flops"] > 0:
        return "flops"
    if saved["mults"] > 0:
        return "mults"
    boundary_saved = b.boundaries.total - o.boundaries.total
    if saved["flops"] == 0 and saved["mults"] == 0 and boundary_saved > 0:
        return "boundaries"
    if saved["flops"] == 0 and saved["mults"] == 0 and boundary_saved == 0 and saved["bytes"] > 0:
        return "bytes"  # the same calls and arithmetic, less memory materialized: fused through buffers
    if any(v > 0 for v in saved.values()) or boundary_saved > 0:
        return "flops"
    return None


def attribute(b: Measured, o: Measured) -> Attribution:
    saved = savings(b.cost, o.cost)
    measure = _measure(saved, b, o)
    zero = {m: 0.0 for m in MECHANISMS}
    if measure is None:
        return Attribution(None, 0.0, {"baseline": zero, "optimized": zero}, zero,
                           {**zero, UNEXPLAINED: 0.0})
    if measure in ("boundaries", "bytes"):
        before, after = ((b.boundaries.total, o.boundaries.total) if measure == "boundaries"
                         else (b.cost.bytes, o.cost.bytes))
        s = float(before - after)
        rb, ro = {**zero, INLINING: float(before)}, {**zero, INLINING: float(after)}
    else:
        s = float(saved[measure])
        rb, ro = removable(b, measure), removable(o, measure)
    explained = {m: rb[m] - ro[m] for m in MECHANISMS}
    shares = {m: (explained[m] / s if s else 0.0) + 0.0 for m in MECHANISMS}  # + 0.0: no -0.0
    shares[UNEXPLAINED] = max(0.0, 1.0 - sum(max(v, 0.0) for v in shares.values())) if s else 0.0
    return Attribution(measure, s, {"baseline": rb, "optimized": ro}, explained, shares)
