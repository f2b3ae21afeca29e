"""The dynamic dataflow graph recorded while a version runs.

A trace is a sequence of records ``(op, srcs, value, fn, extra)``; a record's index is the
SSA id of the value it produces, and ``srcs`` is the ORDERED tuple of the ids it reads
(``x * x`` reads ``(i, i)``). ``fn`` indexes ``functions``: the probe function the op ran
in. ``extra`` is ``None`` for scalar ops (their cost follows from the op) and an
``ArrayCost`` for numpy calls.

Records are stored column-wise, so a scalar op costs about fifty bytes, not a few hundred
tuples' worth: the op's code (``OPS[code]``) in ``ops``, its first two sources in ``src0``
and ``src1`` (``NONE`` where it has fewer; ``WIDE`` in ``src0`` when it has more, kept in
``wide``), the values in ``values``, the ``ArrayCost`` of array ops in ``extras``, and the
running function as ``fn_runs``, one entry per change. ``trace.records`` reads them back as
tuples (and appends tuples), for code that reads one record at a time; the passes read the
columns. Tracers append; passes only read.

Tracers append a record's sources through ``first`` and ``second``, into the trace's recorder
(``analyzer/recorder.py``: C buffers when the compiled recorder is built, else two lists); ``src0``
and ``src1`` move them into the arrays when read (``unpack``). An ``array("i")`` append is a
method call that parses its argument, some 480 instructions; a list append is about 100.

>>> t = Trace(); a = t.input("a", 2.0); b = t.const(3.0)
>>> t.node(t.emit(Op.MUL, (a, b), 6.0)).op
<Op.MUL: 'mul'>
>>> t.records[-1], len(t.records)
((<Op.MUL: 'mul'>, (0, 1), 6.0, 0, None), 3)
"""
from __future__ import annotations

from array import array
from bisect import bisect_right
from operator import itemgetter
from collections import Counter
from itertools import chain, repeat
from typing import Any, Iterable, Iterator, NamedTuple

from analyzer.measurement import Cost
from analyzer.ops import ARITHMETIC, SCALAR_COST, Op
from analyzer.recorder import COMPILED, recorder

OPS = tuple(Op)                                 # code -> op
CODE = {op: k for k, op in enumerate(OPS)}      # op -> code, one byte
if COMPILED:
    COMPILED.configure(tuple(CODE[Op(name)] for name in COMPILED.OPS))
NONE = -1       # src0/src1 of a record with fewer sources
WIDE = -2       # src0 of a record with three or more sources (they are in ``Trace.wide``)


_CHUNK = 1 << 14        # records whose sources ``iter_sources`` makes at once


class Node(NamedTuple):
    """A readable view of one record."""
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


class Records:
    """A trace's records as tuples ``(op, srcs, value, fn, extra)``, made when read."""
    __slots__ = ("t", "append")

    def __init__(self, t: Trace) -> None:
        self.t = t
        self.append = t.append_record       # append(rec): one call, as list.append was

    def __len__(self) -> int:
        return len(self.t.values)

    def __getitem__(self, i: int) -> tuple:
        t = self.t
        if i < 0:
            i += len(t.values)
        a, b = t.src0[i], t.src1[i]
        srcs = (a, b) if b >= 0 else (a,) if a >= 0 else () if a == NONE else t.wide[i]
        runs = t.fn_runs
        fn = runs[0][1] if len(runs) == 1 else t.fn_of(i)
        return OPS[t.ops[i]], srcs, t.values[i], fn, t.extras.get(i)

    def __setitem__(self, i: int, rec: tuple) -> None:
        """Replace a record's value (its op, sources and function stay: a tracer converts values)."""
        t = self.t
        if i < 0:
            i += len(t.values)
        if (rec[0], rec[1], rec[3]) != (OPS[t.ops[i]], t.sources(i), t.fn_of(i)):
            raise ValueError("a record's op, sources and function cannot change")
        t.values[i] = rec[2]
        if rec[4] is None:
            t.extras.pop(i, None)
        else:
            t.extras[i] = rec[4]

    def index(self, rec: tuple) -> int:
        """The id of the first record equal to ``rec`` (as ``list.index``); ValueError if none."""
        return list(self).index(rec)

    def __iter__(self) -> Iterator[tuple]:
        t = self.t
        n = len(t.values)
        extras = map(t.extras.get, range(n)) if t.extras else repeat(None, n)
        return zip(map(OPS.__getitem__, t.ops), t.iter_sources(), t.values, t.iter_fns(), extras)


class Trace:
    """Records of one run of one version (column-wise, see the module docstring)."""

    def __init__(self) -> None:
        self.ops = bytearray()                      # code of each record's op
        self._src0 = array("i")                     # first source, NONE or WIDE
        self._src1 = array("i")                     # second source or NONE
        self.values: list[Any] = []
        self.wide: dict[int, tuple[int, ...]] = {}  # sources of records with three or more
        self.extras: dict[int, ArrayCost] = {}      # cost of array ops
        self.fn_runs: list[tuple[int, int]] = [(0, 0)]  # (first record, fn) at each change of fn
        self._fn = 0
        self.functions: list[str] = ["<probe>"]
        self.input_names: dict[int, str] = {}
        self.static: set[int] = set()               # ids of STATIC (or prepared) inputs
        self.outputs: tuple[int, ...] = ()
        self.snapshots: dict[int, Any] = {}         # values copied before a write
        self.overwritten: set[int] = set()          # values written over uncopied (read only by element)
        self.buffers: dict[int, list[int]] = {}     # id(array base) -> value ids
        self.indexed = 0                            # records up to here are in ``buffers``
        self.front_ends: set[str] = set()           # the front-ends whose values it holds
        self.sessions: dict[str, Any] = {}          # front-end -> its per-trace state
        # writes into a buffer: write record id -> (position in its srcs of the version it
        # overwrites, region written: ALL_ELEMENTS or a numpy index into the record's value).
        # Liveness reads the old version only outside the region.
        self.written: dict[int, tuple[int, Any]] = {}
        self.uncosted: Counter[str] = Counter()     # library calls outside the cost model
        self._consts: dict[tuple, int] = {}
        self._fn_ids: dict[str, int] = {}
        self._attach()

    def _attach(self) -> None:
        """The recorder the tracers append through: ``first(i)`` and ``second(i)`` take a record's
        sources (NONE if it has fewer), until ``unpack`` moves them into the arrays."""
        self._recorder = recorder(self.ops, self.values, self._consts, self.extras)
        self.first, self.second = self._recorder.first, self._recorder.second

    @property
    def records(self) -> Records:
        """The records as tuples, made when read. (A view made at each call: one kept on the
        trace would refer back to it, and a trace in a cycle waits for the collector to be freed,
        holding every value it recorded.)"""
        return Records(self)

    def __getstate__(self) -> dict[str, Any]:
        self.unpack()
        state = dict(self.__dict__)
        for name in ("_recorder", "first", "second"):
            del state[name]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._attach()

    @property
    def src0(self) -> array:
        """The first source of every record (NONE or WIDE where it has none or more than two)."""
        if len(self._recorder):
            self.unpack()
        return self._src0

    @property
    def src1(self) -> array:
        """The second source of every record (NONE where it has fewer)."""
        if len(self._recorder):
            self.unpack()
        return self._src1

    def unpack(self) -> None:
        """Move the sources appended through ``first`` and ``second`` into ``src0`` and ``src1``."""
        self._recorder.move_into(self._src0, self._src1)

    @property
    def fn(self) -> int:
        """The probe function running now (records appended from here on ran in it)."""
        return self._fn

    @fn.setter
    def fn(self, fid: int) -> None:
        if fid != self._fn:
            self._fn = fid
            self._run(len(self.values), fid)

    def _run(self, start: int, fid: int) -> None:
        """Records from ``start`` on ran in ``fid`` (a run no record ran in is replaced)."""
        runs = self.fn_runs
        if runs and runs[-1][0] == start:
            runs.pop()
        if not runs or runs[-1][1] != fid:
            runs.append((start, fid))

    def emit(self, op: Op, srcs: tuple[int, ...], value: Any, extra: ArrayCost | None = None) -> int:
        """Append one record of the running function; its id (``append_record``, without the tuple:
        the array tracer's hot path)."""
        i = len(self.values)
        self.ops.append(CODE[op])
        n = len(srcs)
        if n == 2:
            self.first(srcs[0])
            self.second(srcs[1])
        else:
            self.first(srcs[0] if n == 1 else NONE if n == 0 else WIDE)
            self.second(NONE)
            if n > 2:
                self.wide[i] = tuple(srcs)
        self.values.append(value)
        if extra is not None:
            self.extras[i] = extra
        return i

    def append_record(self, rec: tuple) -> int:
        """Append the record ``(op, srcs, value, fn, extra)``; its id."""
        op, srcs, value, fn, extra = rec
        i = self.emit(op, srcs, value, extra)
        if fn != self._fn:                          # a record of another function than the running one
            self._run(i, fn)
            self._run(i + 1, self._fn)
        return i

    def sources(self, i: int) -> tuple[int, ...]:
        a, b = self.src0[i], self.src1[i]
        if b >= 0:
            return a, b
        if a >= 0:
            return (a,)
        return () if a == NONE else self.wide[i]

    def iter_sources(self) -> Iterator[tuple[int, ...]]:
        """Every record's sources, in order, made a chunk at a time (``_sources_from``)."""
        return chain.from_iterable(map(self._sources_from, range(0, len(self.src0), _CHUNK)))

    def _sources_from(self, start: int) -> list[tuple[int, ...]]:
        """The sources of the records ``start`` to ``start + _CHUNK``: pairs zipped in C, and only
        the records with fewer or more than two sources made one by one."""
        import numpy as np

        a, b = self.src0[start:start + _CHUNK], self.src1[start:start + _CHUNK]
        chunk = list(zip(a, b))
        for k in np.flatnonzero(np.frombuffer(b, dtype=np.int32) < 0).tolist():
            first = a[k]
            chunk[k] = (first,) if first >= 0 else () if first == NONE else self.wide[start + k]
        return chunk

    def fn_of(self, i: int) -> int:
        runs = self.fn_runs
        return runs[bisect_right(runs, i, key=itemgetter(0)) - 1][1]

    def iter_fns(self) -> Iterator[int]:
        runs, n = self.fn_runs, len(self.values)
        ends = [start for start, _ in runs[1:]] + [n]
        return chain.from_iterable(repeat(fn, max(0, min(end, n) - start)) for (start, fn), end in zip(runs, ends))

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
        caller = self._fn
        self.fn = fid
        self.emit(Op.CALL, (), None)
        return caller

    def cost_of(self, i: int) -> tuple[int, int, int, int]:
        """``record_cost`` of record ``i``, read from the columns."""
        extra = self.extras.get(i)
        if extra is not None:
            return extra[0], extra[1], extra[2], extra[3]
        c = SCALAR_COST.get(OPS[self.ops[i]])
        if c is None:
            return 0, 0, 0, 0
        return c[0], c[1], c[2], SCALAR_BYTES.get(type(self.values[i]), 8)

    def work_of(self, ids: Iterable[int], part: int | None = None) -> int:
        """Flops of the records ``ids``, or one cost component of them (0 mults, 1 adds, 2 other):
        the scalar ops' summed in numpy, the array ops' (``ArrayCost``) one by one."""
        import numpy as np

        ids = ids if isinstance(ids, (set, frozenset, list, tuple)) else list(ids)
        at = np.fromiter(ids, np.int64, len(ids))
        array_ops = np.isin(at, np.fromiter(self.extras, np.int64, len(self.extras))) if self.extras else None
        scalar = at if array_ops is None else at[~array_ops]
        total = int(self._work_table(part)[np.frombuffer(self.ops, dtype=np.uint8)[scalar]].sum())
        if array_ops is not None:
            extras = self.extras
            total += sum(extras[i][0] + extras[i][1] + extras[i][2] if part is None else extras[i][part]
                         for i in at[array_ops].tolist())
        return total

    def works(self, part: int | None = None) -> list[int]:
        """Of every record, what ``work_of`` counts: flops, or one component (0 mults, 1 adds,
        2 other). A list, for code that looks up the work of many records one by one."""
        import numpy as np

        column = self._work_table(part)[np.frombuffer(self.ops, dtype=np.uint8)].tolist()
        for i, extra in self.extras.items():
            column[i] = extra[0] + extra[1] + extra[2] if part is None else extra[part]
        return column

    def work_weights(self, part: int | None = None) -> Any:
        """``works`` as a float64 numpy array: what a share of each record's work is multiplied by."""
        import numpy as np

        column = self._work_table(part)[np.frombuffer(self.ops, dtype=np.uint8)].astype(np.float64)
        if self.extras:
            column[np.fromiter(self.extras, np.int64, len(self.extras))] = \
                [e[0] + e[1] + e[2] if part is None else e[part] for e in self.extras.values()]
        return column

    @staticmethod
    def _work_table(part: int | None) -> Any:
        """Work of one scalar op, by op code."""
        import numpy as np

        table = np.zeros(len(OPS), dtype=np.int64)
        for op, c in SCALAR_COST.items():
            table[CODE[op]] = c[0] + c[1] + c[2] if part is None else c[part]
        return table

    def value(self, i: int) -> Any:
        """The value id ``i`` had when it was produced (a snapshot if it was later overwritten);
        None for a value overwritten without a copy (``overwritten``: no record read it whole)."""
        snap = self.snapshots.get(i)
        if snap is not None:
            return snap
        return None if i in self.overwritten else self.values[i]

    def node(self, i: int) -> Node:
        return Node(*self.records[i])

    def __len__(self) -> int:
        return len(self.values)

    def escaped_arrays(self) -> int:
        """How many array values left the trace (an escape record reading an array: written into an
        array made outside the trace, converted to a list or a plain array). A scalar passed to a
        traced library call also escapes, but the call records it: those are not counted."""
        import numpy as np

        from analyzer.array_summary import is_array

        escapes = np.flatnonzero(np.frombuffer(self.ops, dtype=np.uint8) == CODE[Op.ESCAPE]).tolist()
        values = self.values
        return sum(1 for i in escapes if any(is_array(values[s]) for s in self.sources(i)))

    def cost(self, value_bytes: Any = None) -> Cost:
        """Totals of every record (the liveness pass adds ``peak_bytes``). ``value_bytes``: the
        ``SCALAR_BYTES`` of each value's type (8 for other types) as a numpy array, when the
        caller has it (``analyzer.passes.columns.scalar_bytes``)."""
        import numpy as np

        ops = mults = adds = other = nbytes = launches = 0
        codes = np.frombuffer(self.ops, dtype=np.uint8)
        for i, extra in self.extras.items():
            if OPS[codes[i]] in ARITHMETIC:
                ops += 1
                launches += 1
                mults += extra[0]
                adds += extra[1]
                other += extra[2]
                nbytes += extra[3]
        from analyzer.kernels import KERNELS
        if KERNELS is not None and value_bytes is not None:    # counts and bytes of each code, one pass in C
            counts, sums = (np.frombuffer(b, dtype=np.int64).copy() for b in KERNELS.code_totals(codes, value_bytes))
            for i in self.extras:           # (array records: costed above)
                counts[codes[i]] -= 1
                sums[codes[i]] -= value_bytes[i]
            count = counts[:len(OPS)].tolist()
            nbytes += int(sum(sums[CODE[op]] for op in SCALAR_COST))
        else:
            scalar = np.ones(len(codes), dtype=bool)      # (array records: costed above)
            scalar[list(self.extras)] = False
            count = np.bincount(codes[scalar] if self.extras else codes, minlength=len(OPS)).tolist()
            costed_codes = np.zeros(len(OPS), dtype=bool)
            costed_codes[[CODE[op] for op in SCALAR_COST]] = True
            if any(count[CODE[op]] for op in SCALAR_COST):
                if value_bytes is None:
                    value_bytes = np.fromiter(map(SCALAR_BYTES.get, map(type, self.values), repeat(8)), np.int64,
                                              len(codes))
                costed = np.take(costed_codes, codes)
                if self.extras:
                    costed &= scalar
                nbytes += int(value_bytes[costed].sum())
        for op, (m, a, o) in SCALAR_COST.items():
            k = count[CODE[op]]
            ops += k
            mults += m * k
            adds += a * k
            other += o * k
        inputs = np.flatnonzero(codes == CODE[Op.INPUT]).tolist()
        input_bytes = sum(getattr(self.values[i], "nbytes", None) or SCALAR_BYTES.get(type(self.values[i]), 8)
                          for i in inputs if i not in self.extras)
        return Cost(ops=ops, mults=mults, adds=adds, other=other, flops=mults + adds + other, bytes=nbytes,
                    calls=count[CODE[Op.CALL]], launches=launches, input_bytes=input_bytes)

