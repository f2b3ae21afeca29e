"""Boundaries: what inlining and fusion remove without touching the arithmetic.

Counts calls of the probe's own functions (per function), numpy calls launched, and
intermediates materialized (new arrays that are not outputs) with their bytes.

Before::  def g(x): return x + 1;  def f(x): return g(x) * 2     # 2 calls
After::   def f(x): return (x + 1) * 2                            # 1 call
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.ops import ARITHMETIC, Op
from analyzer.trace import CODE, OPS, Trace


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
    functions, fn_of = trace.functions, trace.fn_of
    by_fn = Counter(functions[fn_of(i)] for i in _positions(trace.ops, CODE[Op.CALL]))
    launched = launches(trace)
    materialized = intermediates(trace, launched)
    return Boundaries(sum(by_fn.values()), dict(by_fn), len(launched), len(materialized),
                      sum(trace.extras[i].bytes for i in materialized))


def launches(trace: Trace) -> list[int]:
    """The array ops launched (those that compute), in trace order."""
    codes = trace.ops
    return [i for i in sorted(trace.extras) if OPS[codes[i]] in ARITHMETIC]


def intermediates(trace: Trace, launched: list[int]) -> list[int]:
    """Those of ``launched`` that materialize an intermediate: new bytes that are not an output."""
    outputs = set(trace.outputs)
    return [i for i in launched if trace.extras[i].bytes and i not in outputs]


def _positions(codes: bytearray, code: int) -> list[int]:
    """Where ``code`` occurs in ``codes``."""
    found, i = [], codes.find(code)
    while i >= 0:
        found.append(i)
        i = codes.find(code, i + 1)
    return found


def _evidence(result: Boundaries, trace: Trace) -> dict[str, object]:
    return {"calls": result.calls, "calls_by_function": result.calls_by_function, "launches": result.launches,
            "intermediates": result.intermediates, "intermediate_bytes": result.intermediate_bytes}


PASS = Pass("boundaries", "calls, launches and intermediates crossed", Mechanism.INLINING,
            boundaries, None, _evidence)
