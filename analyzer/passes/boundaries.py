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
    functions, fn_of, codes = trace.functions, trace.fn_of, trace.ops
    call = CODE[Op.CALL]
    by_fn = Counter(functions[fn_of(i)] for i in _positions(codes, call))
    outputs = set(trace.outputs)
    launches = intermediates = nbytes = 0
    for i, extra in sorted(trace.extras.items()):
        if OPS[codes[i]] in ARITHMETIC:
            launches += 1
            if extra.bytes and i not in outputs:
                intermediates += 1
                nbytes += extra.bytes
    return Boundaries(sum(by_fn.values()), dict(by_fn), launches, intermediates, nbytes)


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
