"""The dynamic dataflow graph recorded while a version runs.

A trace is a list of frozen records ``(op, srcs, value, fn, extra)``; a record's index is
the SSA id of the value it produces, and ``srcs`` is the ORDERED tuple of the ids it reads
(``x * x`` reads ``(i, i)``). ``fn`` indexes ``functions``: the probe function the op ran
in. ``extra`` is ``None`` for scalar ops (their cost follows from the op) and an
``ArrayCost`` for numpy calls.

>>> t = Trace(); a = t.input("a", 2.0); b = t.const(3.0)
>>> t.node(t.emit(Op.MUL, (a, b), 6.0)).op
<Op.MUL: 'mul'>
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from analyzer.measurement import Cost
from analyzer.ops import ARITHMETIC, SCALAR_COST, Op


class Node(NamedTuple):
    """A readable view of one record (records themselves are plain tuples, for speed)."""
    op: Op
    srcs: tuple[int, ...]
    value: Any
    fn: int
    extra: "ArrayCost | None"


class ArrayCost(NamedTuple):
    """Cost of one numpy call, derived from shapes."""
    mults: int
    adds: int
    other: int
    bytes: int          # bytes newly materialized (0 for views and for writes into out=)
    name: str           # the numpy function, e.g. "matmul"


SCALAR_BYTES = {bool: 1, int: 8, float: 8, complex: 16}
ALL_ELEMENTS = ...      # the region of a write that replaces every element (Trace.written)


def record_cost(rec: tuple) -> tuple[int, int, int, int]:
    """(mults, adds, other, bytes) of one record; zero for sources, calls and guards."""
    extra = rec[4]
    if extra is not None:
        return extra[0], extra[1], extra[2], extra[3]
    c = SCALAR_COST.get(rec[0])
    if c is None:
        return 0, 0, 0, 0
    return c[0], c[1], c[2], SCALAR_BYTES.get(type(rec[2]), 8)


def record_work(rec: tuple) -> int:
    """mults + adds + other of one record."""
    extra = rec[4]
    if extra is not None:
        return extra[0] + extra[1] + extra[2]
    return 1 if rec[0] in SCALAR_COST else 0


@dataclass
class Trace:
    """Records of one run of one version. Tracers append; passes only read."""
    records: list[tuple] = field(default_factory=list)
    functions: list[str] = field(default_factory=lambda: ["<probe>"])
    fn: int = 0                                     # the function running now
    input_names: dict[int, str] = field(default_factory=dict)
    static: set[int] = field(default_factory=set)   # ids of STATIC (or prepared) inputs
    outputs: tuple[int, ...] = ()
    snapshots: dict[int, Any] = field(default_factory=dict)  # values copied before a write
    buffers: dict[int, list[int]] = field(default_factory=dict)  # id(array base) -> value ids
    indexed: int = 0        # records up to here are in ``buffers``
    front_ends: set[str] = field(default_factory=set)        # the front-ends whose values it holds
    sessions: dict[str, Any] = field(default_factory=dict)   # front-end -> its per-trace state
    # writes into a buffer: write record id -> (position in its srcs of the version it
    # overwrites, region written: ALL_ELEMENTS or a numpy index into the record's value).
    # Liveness reads the old version only outside the region.
    written: dict[int, tuple[int, Any]] = field(default_factory=dict)
    uncosted: Counter[str] = field(default_factory=Counter)  # library calls outside the cost model
    _consts: dict[tuple, int] = field(default_factory=dict)
    _fn_ids: dict[str, int] = field(default_factory=dict)

    def emit(self, op: Op, srcs: tuple[int, ...], value: Any, extra: ArrayCost | None = None) -> int:
        self.records.append((op, srcs, value, self.fn, extra))
        return len(self.records) - 1

    def const(self, value: Any) -> int:
        """The id of a constant; equal constants of one type share one record."""
        key = (type(value), value)
        try:
            return self._consts[key]
        except (KeyError, TypeError):
            i = self.emit(Op.CONST, (), value)
            try:
                self._consts[key] = i
            except TypeError:       # unhashable (an array constant): no sharing
                pass
            return i

    def input(self, name: str, value: Any, static: bool = False) -> int:
        i = self.emit(Op.INPUT, (), value)
        self.input_names[i] = name
        if static:
            self.static.add(i)
        return i

    def enter(self, name: str) -> int:
        """Record a call of probe function ``name``; returns the caller's fn to restore."""
        fid = self._fn_ids.get(name)
        if fid is None:
            fid = self._fn_ids[name] = len(self.functions)
            self.functions.append(name)
        caller = self.fn
        self.fn = fid
        self.records.append((Op.CALL, (), None, fid, None))
        return caller

    def value(self, i: int) -> Any:
        """The value id ``i`` had when it was produced (a snapshot if it was later overwritten)."""
        snap = self.snapshots.get(i)
        return snap if snap is not None else self.records[i][2]

    def node(self, i: int) -> Node:
        return Node(*self.records[i])

    def __len__(self) -> int:
        return len(self.records)

    def cost(self) -> Cost:
        """Totals of every record (the liveness pass adds ``peak_bytes``)."""
        ops = mults = adds = other = nbytes = launches = calls = input_bytes = 0
        scalar_cost, scalar_bytes = SCALAR_COST, SCALAR_BYTES
        for op, _, value, _, extra in self.records:
            if extra is not None:
                if op in ARITHMETIC:
                    ops += 1
                    launches += 1
                    mults += extra[0]
                    adds += extra[1]
                    other += extra[2]
                    nbytes += extra[3]
                continue
            k = scalar_cost.get(op)
            if k is not None:
                ops += 1
                mults += k[0]
                adds += k[1]
                other += k[2]
                nbytes += scalar_bytes.get(type(value), 8)
            elif op is Op.CALL:
                calls += 1
            elif op is Op.INPUT:
                input_bytes += getattr(value, "nbytes", None) or scalar_bytes.get(type(value), 8)
        return Cost(ops=ops, mults=mults, adds=adds, other=other, flops=mults + adds + other, bytes=nbytes,
                    calls=calls, launches=launches, input_bytes=input_bytes)
