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
from analyzer.trace import Trace, record_cost


@dataclass(frozen=True)
class Staging:
    static: frozenset[int]      # ids of arithmetic ops computable ahead of time

    def work(self, trace: Trace, part: int | None = None) -> int:
        return sum(sum(record_cost(trace.records[i])[:3]) if part is None
                   else record_cost(trace.records[i])[part] for i in self.static)


def static_ops(trace: Trace) -> Staging:
    records = trace.records
    known = bytearray(len(records))
    for i in trace.static:
        known[i] = 1
    ops = []
    pure, const, is_known = ARITHMETIC - IMPURE, Op.CONST, known.__getitem__
    for i, (op, srcs, _, _, _) in enumerate(records):
        if op is const:
            known[i] = 1
        elif srcs and known[srcs[0]] and op in pure and all(map(is_known, srcs)):
            known[i] = 1
            ops.append(i)
    return Staging(frozenset(ops))


def _evidence(result: Staging, trace: Trace) -> dict[str, int]:
    return {"static_ops": len(result.static), "static_flops": result.work(trace)}


PASS = Pass("staging", "work on inputs known ahead of time", Mechanism.PARTIAL_EVALUATION,
            static_ops, lambda result: dict.fromkeys(result.static, 1.0), _evidence)
