"""Liveness: which ops' results reach an output, and how much memory is live at once.

One backward sweep over the SSA records: outputs are live, and so is every guard, where a
value decided control flow (a branch, a dict key, an index, an escape); an op is live when a
live op reads it. A comparison is live only through what reads it: a test nothing branches
on (``any()`` stopped before it) is dead work. An op none of whose results reaches an output is dead,
including work whose only consumer is itself dead.

Before::  y = x * 2; z = y + 1; return x + 1   -> y and z are dead
After::   return x + 1

A write into an array (``a[i] = v``, ``out=a``, ``a += b``, a write through a view) names
the version it overwrites and the region it writes (``Trace.written``). It reads the old
version only outside that region, so demand is tracked per element along a buffer's
versions: a store whose every element is overwritten before any read is dead.

Before::  a[:] = x * 2; a[:] = y; return a        -> x * 2 is dead (a dead store)

A view of a written buffer demands only the elements it shows.

Before::  a[0] = x * 2; a[1] = y * 2; return a[:1]  -> y * 2 is dead

``peak_bytes`` is the largest total of materialized bytes alive at one time (a value is
alive from its op to its last reader, or to the end if it is an output; an array's buffer as
long as any view of it or version written into it is).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from analyzer.array_summary import is_array
from analyzer.kernels import KERNELS, add_at
from analyzer.buffers import covered, root
from analyzer.measurement import Mechanism
from analyzer.passes import Pass
from analyzer.passes.columns import Columns, columns, distinct, last_readers, member, reads, scalar_bytes, weighted_work
from analyzer.passes.row_demand import dead_rows
from analyzer.ops import ARITHMETIC, GUARDS, Op
from analyzer.trace import ALL_ELEMENTS, CODE, WIDE, Trace


VIEWS = frozenset({Op.GETITEM, Op.RESHAPE, Op.TRANSPOSE})     # ops whose result may be a view


@dataclass(frozen=True)
class Liveness:
    dead: frozenset[int]        # ids of arithmetic ops whose result reaches no output
    peak_bytes: int
    dead_rows: Mapping[int, float] = field(default_factory=dict)    # live ops -> share of rows no one reads

    def work(self, trace: Trace, part: int | None = None) -> float:
        return trace.work_of(self.dead, part) + weighted_work(self.dead_rows, trace, part)

    def removable(self) -> dict[int, float]:
        return {**dict.fromkeys(self.dead, 1.0), **self.dead_rows}


def dead_ops(trace: Trace) -> Liveness:
    c = columns(trace)
    n = len(c.codes)
    # guards decide control flow: live, as outputs are
    deciding = member(c.codes, GUARDS)
    live = bytearray(n)
    for i in trace.outputs:
        live[i] = 1
    # every (source, reader) pair: for array demand and the numpy sweep (the kernel sweeps the columns)
    read = reads(trace, c) if trace.extras or KERNELS is None else None
    if trace.written:
        _sweep_writes(trace, live, deciding, member(c.codes, VIEWS), c.codes == CODE[Op.ALLOC])
    else:                       # no writes into arrays: demand flows along the sources alone
        live = _demanded(trace, c, bytearray((np.frombuffer(live, dtype=bool) | deciding).tobytes()),
                         read[0] if read is not None else None)
    arithmetic = member(c.codes, ARITHMETIC)
    dead = arithmetic & ~np.frombuffer(live, dtype=bool)
    return Liveness(frozenset(np.flatnonzero(dead).tolist()), _peak(trace, c, arithmetic),
                    dead_rows(trace, live, read))


def _demanded(trace: Trace, c: Columns, live: bytearray, read: np.ndarray | None) -> bytearray:
    """``live`` (the seeds) with every record demand reaches from them: one backward sweep in C
    (``analyzer.kernels``), or in numpy by peeling (``_unreached``), or record by record."""
    if KERNELS is not None:
        KERNELS.sweep_live(c.src0, c.src1, trace.wide, WIDE, live)
        return live
    unreached = _unreached(trace, c, np.frombuffer(live, dtype=bool), read)
    if unreached is not None:
        return bytearray((~unreached).tobytes())
    _sweep(trace, c, live)      # chains of dead work too long to peel
    return live


def _sweep(trace: Trace, c: Columns, live: bytearray) -> None:
    """Mark the sources of every live record live, from the last record back."""
    wide = trace.wide
    for i, a, b in zip(range(len(live) - 1, -1, -1), reversed(c.src0.tolist()), reversed(c.src1.tolist())):
        if live[i]:
            if a >= 0:
                live[a] = 1
                if b >= 0:
                    live[b] = 1
            elif a == WIDE:
                for s in wide[i]:
                    live[s] = 1


def _unreached(trace: Trace, c: Columns, seeded: np.ndarray, read: np.ndarray, rounds: int = 64) -> np.ndarray | None:
    """Records no demand reaches, in numpy: peeled from the readers' end, a record is unreached
    when it is not ``seeded`` and every reader of it is unreached (in an SSA graph that is
    exactly what a backward sweep from the seeds leaves unmarked). One round per link of the
    longest chain of unreached records; None if that takes more than ``rounds``."""
    n = len(c.codes)
    readers = np.bincount(read, minlength=n)       # ``read``: every source read (``reads``)
    unreached = np.zeros(n, dtype=bool)
    peel = np.flatnonzero(~seeded & (readers == 0))
    for _ in range(rounds):
        if not len(peel):
            return unreached
        unreached[peel] = True
        first, second = c.src0[peel], c.src1[peel]
        srcs = [first[first >= 0], second[second >= 0]]
        srcs += [np.array(trace.wide[i], dtype=np.int64) for i in peel[first == WIDE].tolist()]
        gone = np.concatenate(srcs).astype(np.int64)
        np.subtract.at(readers, gone, 1)
        gone = distinct(gone)
        peel = gone[(readers[gone] == 0) & ~seeded[gone]]
    return None


def _sweep_writes(trace: Trace, live: bytearray, deciding: np.ndarray, viewing: np.ndarray,
                  allocating: np.ndarray) -> None:
    """The backward sweep when the trace writes into arrays (``Trace.written``). A view of a
    written version (``buffer[:t]``) demands only the elements it shows. A buffer written into
    must exist even when its first contents are dead: the shape of its allocation is live."""
    written, sources, values = trace.written, trace.sources, trace.values
    decides, views = deciding.tolist(), viewing.tolist()
    partial: dict[int, Any] = {}        # writes demanded on some elements only -> bool mask
    sized: set[int] = set()             # versions of a buffer some live write goes into
    for i in range(len(decides) - 1, -1, -1):
        is_live = live[i] or decides[i]
        if is_live:
            live[i] = 1
        if i in written:
            if is_live or i in partial or i in sized:
                sized.add(sources(i)[written[i][0]])
            _sweep_write(i, sources(i), values[i], written[i], bool(is_live), live, partial, written)
        elif i in sized and not is_live and allocating[i]:
            live[i] = 1                 # the allocation stays (its first contents may be dead)
            for s in sources(i):        # and so does its shape
                live[s] = 1
        elif is_live:
            srcs = sources(i)
            shown = None
            if views[i] and srcs and srcs[0] in written and not live[srcs[0]]:
                shown = covered(values[srcs[0]], values[i])
            if shown is None:
                for s in srcs:
                    live[s] = 1
                continue
            partial[srcs[0]] = _union(partial.get(srcs[0]), shown)
            for s in srcs[1:]:          # the index
                live[s] = 1


def _sweep_write(i: int, srcs: tuple[int, ...], value: Any, write: tuple[int, Any], is_live: bool,
                 live: bytearray, partial: dict[int, Any], written: dict) -> None:
    """Demand through write ``i``: its written data where its own demand meets the region, the
    version it overwrites (``srcs[previous]``) where the demand falls outside the region."""
    previous, region = write
    demand = True if is_live else partial.pop(i, None)
    data_needed, outside = _split(demand, region, value)
    if data_needed:
        live[i] = 1
    for k, s in enumerate(srcs):
        if data_needed and k != previous:
            live[s] = 1
    if outside is None:
        return
    old = srcs[previous]
    if outside is True or old not in written or live[old]:
        live[old] = 1
        partial.pop(old, None)
    else:
        partial[old] = _union(partial.get(old), outside)


class _AllBut:
    """Demand on every element of a value but ``gone`` (flat positions): what a run of
    one-element writes (a table filled cell by cell) leaves on the versions before it, kept as
    one set handed down the run, not a mask per write."""
    __slots__ = ("gone", "size")

    def __init__(self, gone: set[int], size: int) -> None:
        self.gone, self.size = gone, size

    def mask(self, shape: tuple[int, ...]) -> np.ndarray:
        mask = np.ones(self.size, dtype=bool)
        mask[list(self.gone)] = False
        return mask.reshape(shape)


def _union(earlier: Any, demand: Any) -> Any:
    if earlier is None:
        return demand
    if type(earlier) is _AllBut and type(demand) is _AllBut:
        return _AllBut(earlier.gone & demand.gone, earlier.size)
    if type(earlier) is _AllBut:
        earlier = earlier.mask(np.shape(demand))
    if type(demand) is _AllBut:
        demand = demand.mask(np.shape(earlier))
    return earlier | demand


def _element(region: Any, shape: tuple[int, ...]) -> int | None:
    """The flat position of a one-element region (``a[i, j] = x``), else None."""
    parts = region if type(region) is tuple else (region,)
    if len(parts) != len(shape) or not all(isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_))
                                           for k in parts):
        return None
    if not all(-n <= k < n for k, n in zip(parts, shape)):
        return None
    return int(np.ravel_multi_index(tuple(int(k) % n for k, n in zip(parts, shape)), shape)) if shape else 0


def _split(demand: Any, region: Any, value: Any) -> tuple[bool, Any]:
    """(is the written data demanded, demand left on the old version: None, True, a mask or
    an ``_AllBut``)."""
    if demand is None:
        return False, None
    if region is ALL_ELEMENTS:
        return demand is True or (len(demand.gone) < demand.size if type(demand) is _AllBut
                                  else bool(demand.any())), None
    shape = np.shape(value)
    if demand is True or type(demand) is _AllBut:
        flat = _element(region, shape)
        if flat is not None:            # one element: the set grows by one, in place
            if demand is True:
                size = int(np.prod(shape))
                return True, (_AllBut({flat}, size) if size > 1 else None)
            needed = flat not in demand.gone
            demand.gone.add(flat)
            return needed, (demand if len(demand.gone) < demand.size else None)
        if type(demand) is _AllBut:
            demand = demand.mask(shape)
    try:
        inside = np.zeros(shape, dtype=bool)
        inside[region] = True
    except (IndexError, TypeError, ValueError):
        return True, True           # a region it cannot place: read everything
    if demand is True:
        outside = ~inside
        return True, outside if outside.any() else None
    outside = demand & ~inside
    return bool((demand & inside).any()), outside if outside.any() else None


def _peak(trace: Trace, c: Columns, arithmetic: np.ndarray) -> int:
    """Sweep births and deaths of materialized values; the peak of what is alive.

    A value is born at its op and dies after its last reader (outputs: at the end). An array's
    buffer lives as long as any value in it: a view of it, or a version written into it."""
    n = len(c.codes)
    last_use = last_readers(trace).copy()
    last_use[list(trace.outputs)] = n
    values, owners = trace.values, {}      # id(root buffer) -> the first record holding it
    for i in sorted(trace.extras):
        value = values[i]
        if is_array(value):     # (a summary is its own root)
            owner = owners.setdefault(id(root(value)), i)
            if last_use[i] > last_use[owner]:
                last_use[owner] = last_use[i]
        elif type(value) is tuple or type(value) is list:      # the outputs of svd, divmod ...
            for part in value:
                if type(part) is np.ndarray:
                    owners.setdefault(id(root(part)), i)
    if KERNELS is not None:     # one sweep in C: the live words' peak (outputs' last uses are n already; no lines)
        nbytes = scalar_bytes(trace)
        if trace.extras:
            nbytes = nbytes.copy()      # (shared: read-only)
            for i, extra in trace.extras.items():
                nbytes[i] = extra[3]
        return KERNELS.residency(arithmetic, nbytes, last_use, _NONE64, _NONE64, _NONE32, _NONE32, {}, WIDE, 0, 0)[0]
    # a scalar value is at most 16 bytes: a scalar trace's totals fit in int32 (half the memory)
    small = not trace.extras and 16 * (n + 2) < 2**31
    nbytes = scalar_bytes(trace, np.int32) if small else scalar_bytes(trace).copy()     # (written below)
    for i, extra in trace.extras.items():
        nbytes[i] = extra[3]
    nbytes[~arithmetic] = 0
    delta = np.zeros(n + 2, dtype=nbytes.dtype)
    delta[:n] += nbytes
    np.negative(nbytes, out=nbytes)
    last_use += 1
    add_at(delta, last_use, nbytes)
    return max(0, int(np.cumsum(delta, dtype=nbytes.dtype).max()))


_NONE64, _NONE32 = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int32)


def _evidence(result: Liveness, trace: Trace) -> dict[str, int]:
    return {"dead_ops": len(result.dead), "dead_flops": round(result.work(trace))}


PASS = Pass("liveness", "work whose result reaches no output", Mechanism.DEAD_CODE_ELIMINATION,
            dead_ops, Liveness.removable, _evidence)
