"""Boundaries: what inlining and fusion remove without touching the arithmetic.

Counts calls of the probe's own functions (per function), numpy calls launched, and
intermediates materialized (new arrays that are not outputs) with their bytes.

Before::  def g(x): return x + 1;  def f(x): return g(x) * 2     # 2 calls
After::   def f(x): return (x + 1) * 2                            # 1 call
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.passes.columns import CODE, columns, member
from analyzer.ops import ARITHMETIC, Op
from analyzer.trace import Trace


@dataclass(frozen=True)
class Boundaries:
    calls: int
    calls_by_function: dict[str, int]
    launches: int
    intermediates: int
    intermediate_bytes: int

    @property
    def total(self) -> int:
        """Boundaries crossed: calls + numpy launches + materialized intermediates."""
        return self.calls + self.launches + self.intermediates


def boundaries(trace: Trace) -> Boundaries:
    c = columns(trace)
    functions, fns = trace.functions, c.fns
    by_fn = Counter(functions[fns[i]] for i in np.flatnonzero(c.codes == CODE[Op.CALL]).tolist())
    outputs = set(trace.outputs)
    launched = np.flatnonzero(~c.scalar & member(c.codes, ARITHMETIC)).tolist()
    intermediates = nbytes = 0
    for i in launched:
        size = c.extras[i].bytes
        if size and i not in outputs:
            intermediates += 1
            nbytes += size
    return Boundaries(sum(by_fn.values()), dict(by_fn), len(launched), intermediates, nbytes)


def _evidence(result: Boundaries, trace: Trace) -> dict[str, object]:
    return {"calls": result.calls, "calls_by_function": result.calls_by_function, "launches": result.launches,
            "intermediates": result.intermediates, "intermediate_bytes": result.intermediate_bytes}


PASS = Pass("boundaries", "calls, launches and intermediates crossed", Mechanism.INLINING,
            boundaries, None, _evidence)
