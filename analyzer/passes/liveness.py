"""Liveness: which ops' results reach an output, and how much memory is live at once.

One backward sweep over the SSA records: outputs are live, and so is every value that
decided control flow (a comparison, a branch, a dict key, an index, an escape); an op is
live when a live op reads it. An op none of whose results reaches an output is dead,
including work whose only consumer is itself dead.

Before::  y = x * 2; z = y + 1; return x + 1   -> y and z are dead
After::   return x + 1

A write into an array (``a[i] = v``, ``out=a``, ``a += b``, a write through a view) names
the version it overwrites and the region it writes (``Trace.written``). It reads the old
version only outside that region, so demand is tracked per element along a buffer's
versions: a store whose every element is overwritten before any read is dead.

Before::  a[:] = x * 2; a[:] = y; return a        -> x * 2 is dead (a dead store)

``peak_bytes`` is the largest total of materialized bytes alive at one time (a value is
alive from its op to its last reader, or to the end if it is an output).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.ops import ARITHMETIC, COMPARISONS, GUARDS
from analyzer.trace import ALL_ELEMENTS, SCALAR_BYTES, Trace, record_cost


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
    written = trace.written
    partial: dict[int, Any] = {}        # writes demanded on some elements only -> bool mask
    for i in range(n - 1, -1, -1):
        op, srcs, value, _, extra = records[i]
        # a scalar comparison returns a plain bool: it decides control flow, like a guard
        is_live = live[i] or op in sinks or (extra is None and op in comparisons)
        if is_live:
            live[i] = 1
        if written and i in written:
            _sweep_write(i, srcs, value, written[i], is_live, live, partial, last_use, written)
            continue
        for s in srcs:
            if is_live:
                live[s] = 1
            if last_use[s] < i:     # scanning backwards, the first reader seen is the last
                last_use[s] = i
    dead = frozenset(i for i, rec in enumerate(records) if not live[i] and rec[0] in ARITHMETIC)
    return Liveness(dead, _peak(trace, last_use))


def _sweep_write(i: int, srcs: tuple[int, ...], value: Any, write: tuple[int, Any], is_live: bool,
                 live: bytearray, partial: dict[int, Any], last_use: list[int], written: dict) -> None:
    """Demand through write ``i``: its written data where its own demand meets the region, the
    version it overwrites (``srcs[previous]``) where the demand falls outside the region."""
    previous, region = write
    demand = True if is_live else partial.pop(i, None)
    data_needed, outside = _split(demand, region, value)
    if data_needed:
        live[i] = 1
    for k, s in enumerate(srcs):
        if last_use[s] < i:
            last_use[s] = i
        if data_needed and k != previous:
            live[s] = 1
    if outside is None:
        return
    old = srcs[previous]
    if outside is True or old not in written or live[old]:
        live[old] = 1
        partial.pop(old, None)
    else:
        earlier = partial.get(old)
        partial[old] = outside if earlier is None else earlier | outside


def _split(demand: Any, region: Any, value: Any) -> tuple[bool, Any]:
    """(is the written data demanded, demand left on the old version: None, True or a mask)."""
    if demand is None:
        return False, None
    if region is ALL_ELEMENTS:
        return demand is True or bool(demand.any()), None
    try:
        inside = np.zeros(np.shape(value), dtype=bool)
        inside[region] = True
    except (IndexError, TypeError, ValueError):
        return True, True           # a region it cannot place: read everything
    if demand is True:
        outside = ~inside
        return True, outside if outside.any() else None
    outside = demand & ~inside
    return bool((demand & inside).any()), outside if outside.any() else None


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
