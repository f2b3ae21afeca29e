"""Liveness: which ops' results reach an output, and how much memory is live at once.

One backward sweep over the SSA records: outputs are live, and so is every value that
decided control flow (a comparison, a branch, a dict key, an index, an escape); an op is
live when a live op reads it. An op none of whose results reaches an output is dead,
including work whose only consumer is itself dead.

Before::  y = x * 2; z = y + 1; return x + 1   -> y and z are dead
After::   return x + 1

``peak_bytes`` is the largest total of materialized bytes alive at one time (a value is
alive from its op to its last reader, or to the end if it is an output).
"""
from __future__ import annotations

from dataclasses import dataclass

from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.ops import ARITHMETIC, COMPARISONS, GUARDS
from analyzer.trace import SCALAR_BYTES, Trace, record_cost


@dataclass(frozen=True)
class Liveness:
    dead: frozenset[int]        # ids of arithmetic ops whose result reaches no output
    peak_bytes: int

    def work(self, trace: Trace, part: int | None = None) -> int:
        return sum(sum(record_cost(trace.records[i])[:3]) if part is None
                   else record_cost(trace.records[i])[part] for i in self.dead)


def dead_ops(trace: Trace) -> Liveness:
    records = trace.records
    n = len(records)
    live = bytearray(n)
    last_use = list(range(n))
    for i in trace.outputs:
        live[i] = 1
        last_use[i] = n
    sinks, comparisons = GUARDS, COMPARISONS
    for i in range(n - 1, -1, -1):
        op, srcs, _, _, extra = records[i]
        # a scalar comparison returns a plain bool: it decides control flow, like a guard
        is_live = live[i] or op in sinks or (extra is None and op in comparisons)
        if is_live:
            live[i] = 1
        for s in srcs:
            if is_live:
                live[s] = 1
            if last_use[s] < i:     # scanning backwards, the first reader seen is the last
                last_use[s] = i
    dead = frozenset(i for i, rec in enumerate(records) if not live[i] and rec[0] in ARITHMETIC)
    return Liveness(dead, _peak(trace, last_use))


def _peak(trace: Trace, last_use: list[int]) -> int:
    """Sweep births and deaths of materialized values; the peak of what is alive."""
    n = len(trace.records)
    delta = [0] * (n + 2)
    scalar_bytes, arithmetic = SCALAR_BYTES, ARITHMETIC
    for i, (op, _, value, _, extra) in enumerate(trace.records):
        if op in arithmetic:
            nbytes = extra[3] if extra is not None else scalar_bytes.get(type(value), 8)
            if nbytes:
                delta[i] += nbytes
                delta[last_use[i] + 1] -= nbytes
    peak = alive = 0
    for d in delta:
        alive += d
        if alive > peak:
            peak = alive
    return peak


def _evidence(result: Liveness, trace: Trace) -> dict[str, int]:
    return {"dead_ops": len(result.dead), "dead_flops": result.work(trace)}


PASS = Pass("liveness", "work whose result reaches no output", Mechanism.DEAD_CODE_ELIMINATION,
            dead_ops, lambda result: dict.fromkeys(result.dead, 1.0), _evidence)
