"""Staging: which ops depend only on inputs known ahead of time.

One forward sweep (constant propagation): constants and ``STATIC`` inputs (and, in the
optimized version, whatever ``prepare`` returned) are static; an op is static when all its
inputs are. Static ops are work a partial evaluator could do once, ahead of time.

Before::  def f(x, w): return x * (w * 2)    # STATIC = ("w",): w * 2 is static
After::   prepare(w) -> {"w2": w * 2};  def f(x, w2): return x * w2
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from analyzer.kernels import KERNELS
from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.passes.columns import columns, member
from analyzer.ops import ARITHMETIC, IMPURE, Op
from analyzer.trace import CODE, OPS, WIDE, Trace

_PURE = ARITHMETIC - IMPURE
_PURE_BY_CODE = bytes(op in _PURE for op in OPS)       # code -> is a pure arithmetic op


@dataclass(frozen=True)
class Staging:
    static: frozenset[int]      # ids of arithmetic ops computable ahead of time

    def work(self, trace: Trace, part: int | None = None) -> int:
        return trace.work_of(self.static, part)


def static_ops(trace: Trace) -> Staging:
    found = _static_in_c(trace) if KERNELS is not None else _static_in_rounds(trace)
    return Staging(frozenset(found.tolist() if found is not None else _sweep(trace)))


def _static_in_c(trace: Trace) -> np.ndarray:
    """The ids ``_sweep`` finds, in one sweep in C (``analyzer.kernels``)."""
    c = columns(trace)
    known = bytearray(len(c.codes))
    for i in trace.static:
        known[i] = 1
    return np.frombuffer(KERNELS.static_sweep(c.codes, c.src0, c.src1, trace.wide, WIDE, _PURE_BY_CODE,
                                              CODE[Op.CONST], known), dtype=np.int64)


def _static_in_rounds(trace: Trace, rounds: int = 16) -> np.ndarray | None:
    """The ids ``_sweep`` finds, in numpy: constants and STATIC inputs are static, then each round
    adds every pure op whose sources are all static, until a round adds none (one round per link
    of the longest chain of static ops); None if that takes more than ``rounds``."""
    c = columns(trace)
    known = c.codes == CODE[Op.CONST]
    known[list(trace.static)] = True
    pure = member(c.codes, _PURE)
    ids = np.flatnonzero(pure & (c.src0 >= 0))              # one or two sources
    first, second = c.src0[ids], c.src1[ids]
    second = np.where(second < 0, first, second)            # one source: it is both
    wide = np.flatnonzero(pure & (c.src0 == WIDE))
    sources = [np.array(trace.wide[i]) for i in wide.tolist()]
    for _ in range(rounds):
        static = np.concatenate([ids[known[first] & known[second]],
                                 wide[np.array([known[s].all() for s in sources], dtype=bool)]])
        if known[static].all():
            return np.sort(static)
        known[static] = True
    return None


def _sweep(trace: Trace) -> list[int]:
    """Static ops in one forward sweep, record by record."""
    known = bytearray(len(trace.values))
    for i in trace.static:
        known[i] = 1
    ops = []
    pure = _PURE_BY_CODE
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
    return ops


def _evidence(result: Staging, trace: Trace) -> dict[str, int]:
    return {"static_ops": len(result.static), "static_flops": result.work(trace)}


PASS = Pass("staging", "work on inputs known ahead of time", Mechanism.PARTIAL_EVALUATION,
            static_ops, lambda result: dict.fromkeys(result.static, 1.0), _evidence)
