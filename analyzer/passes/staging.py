"""Staging: which ops depend only on inputs known ahead of time.

One forward sweep (constant propagation): constants and ``STATIC`` inputs (and, in the
optimized version, whatever ``prepare`` returned) are static; an op is static when all its
inputs are. Static ops are work a partial evaluator could do once, ahead of time.

Before::  def f(x, w): return x * (w * 2)    # STATIC = ("w",): w * 2 is static
After::   prepare(w) -> {"w2": w * 2};  def f(x, w2): return x * w2
"""
from __future__ import annotations

from dataclasses import dataclass

from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.ops import ARITHMETIC, IMPURE, Op
from analyzer.trace import CODE, OPS, WIDE, Trace

_PURE = ARITHMETIC - IMPURE


@dataclass(frozen=True)
class Staging:
    static: frozenset[int]      # ids of arithmetic ops computable ahead of time

    def work(self, trace: Trace, part: int | None = None) -> int:
        return trace.work_of(self.static, part)


def static_ops(trace: Trace) -> Staging:
    known = bytearray(len(trace.values))
    for i in trace.static:
        known[i] = 1
    ops = []
    pure = bytes(op in _PURE for op in OPS)         # code -> is a pure arithmetic op
    const, wide = CODE[Op.CONST], trace.wide
    for i, (code, a, b) in enumerate(zip(trace.ops, trace.src0, trace.src1)):
        if code == const:
            known[i] = 1
        elif a >= 0:
            if known[a] and pure[code] and (b < 0 or known[b]):
                known[i] = 1
                ops.append(i)
        elif a == WIDE:
            srcs = wide[i]
            if known[srcs[0]] and pure[code] and all(known[s] for s in srcs):
                known[i] = 1
                ops.append(i)
    return Staging(frozenset(ops))


def _evidence(result: Staging, trace: Trace) -> dict[str, int]:
    return {"static_ops": len(result.static), "static_flops": result.work(trace)}


PASS = Pass("staging", "work on inputs known ahead of time", Mechanism.PARTIAL_EVALUATION,
            static_ops, lambda result: dict.fromkeys(result.static, 1.0), _evidence)
