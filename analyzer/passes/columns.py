"""A trace's columns as numpy arrays, for the passes that work on a whole trace at once.

The trace stores its records column-wise (``analyzer.trace``); a pass that asks the same
question of every record (is it a guard? which values does it read? of which type is its
value?) asks it of an array. Inside ``shared(trace)`` (the analysis runs every pass in it),
``columns``, ``reads``, ``last_readers`` and ``value_types`` are made once and handed to every pass that asks,
read-only; outside, each call makes its own.

>>> from analyzer.trace import Trace
>>> from analyzer.ops import ADDITIONS, Op
>>> t = Trace(); a = t.input("a", 2.0); b = t.emit(Op.ADD, (a, a), 4.0)
>>> c = columns(t); member(c.codes, ADDITIONS).tolist(), c.scalar.tolist()
([False, True], [True, True])
>>> reads(t, c)
(array([0, 0], dtype=int32), array([1, 1], dtype=int32))
>>> [TYPES[k] for k in value_types(t)]
[<class 'float'>, <class 'float'>]
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Mapping, NamedTuple

import numpy as np

from analyzer.ops import Op
from analyzer.passes.shares import Shares
from analyzer.kernels import KERNELS, by_code
from analyzer.recorder import COMPILED
from analyzer.trace import CODE, OPS, SCALAR_BYTES, WIDE, Trace

# the types of value the passes tell apart (``value_types``); any other type is OTHER
TYPES = (float, int, bool, complex, type(None), np.float64, np.complex128, np.ndarray)
OTHER = len(TYPES)


class _TypeCodes(dict):
    def __missing__(self, t: type) -> int:
        return OTHER


_TYPE_CODE = _TypeCodes({t: k for k, t in enumerate(TYPES)})


class Columns(NamedTuple):
    codes: np.ndarray           # uint8 code of each record's op (``OPS[code]``)
    src0: np.ndarray            # int32 first source, NONE or WIDE
    src1: np.ndarray            # int32 second source or NONE
    scalar: np.ndarray          # bool: the record has no ArrayCost (a scalar op, source, call or guard)


_shared: dict[int, dict[str, Any]] = {}     # id(trace) -> what was made of it, while ``shared`` runs


@contextmanager
def shared(trace: Trace) -> Iterator[None]:
    """Within: what this module makes of ``trace`` is made once (the trace must not change)."""
    if id(trace) in _shared:
        yield
        return
    _shared[id(trace)] = {}
    try:
        yield
    finally:
        del _shared[id(trace)]


def _once(trace: Trace, name: str, make: Callable[[], Any]) -> Any:
    made = _shared.get(id(trace))
    if made is None:
        return make()
    if name not in made:
        made[name] = result = make()
        for a in result if isinstance(result, tuple) else (result,):
            a.flags.writeable = False           # shared: a pass that wrote into one would change another's
    return made[name]


def columns(trace: Trace) -> Columns:
    """Copies of the trace's columns (a view would stop the trace from growing)."""
    return _once(trace, "columns", lambda: _columns(trace))


def _columns(trace: Trace) -> Columns:
    scalar = np.ones(len(trace.values), dtype=bool)
    scalar[list(trace.extras)] = False
    return Columns(np.frombuffer(trace.ops, dtype=np.uint8).copy(), np.frombuffer(trace.src0, dtype=np.int32).copy(),
                   np.frombuffer(trace.src1, dtype=np.int32).copy(), scalar)


def distinct(a: np.ndarray) -> np.ndarray:
    """The distinct values of ``a``, ascending: ``np.unique(a)`` by a sort (numpy 2.3's hash table
    behind ``np.unique`` is ten to twenty times slower than sorting on many distinct values)."""
    a = np.sort(a, axis=None)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def member(codes: np.ndarray, ops: Iterable[Op]) -> np.ndarray:
    """True where a record's op is one of ``ops``."""
    table = np.zeros(len(OPS), dtype=bool)
    table[[CODE[op] for op in ops]] = True
    return by_code(table, codes)


def reads(trace: Trace, c: Columns) -> tuple[np.ndarray, np.ndarray]:
    """(every source read, the record that reads it), int32 (as the trace stores them; ufunc.at
    is slow where the values' type differs from the array's), in no particular order."""
    return _once(trace, "reads", lambda: _reads(trace, c))


def _reads(trace: Trace, c: Columns) -> tuple[np.ndarray, np.ndarray]:
    """First sources, then second sources, then those of records with more, each part in record
    order, written into their places (no parts to concatenate: less memory to touch)."""
    wide = [(s, i) for i in np.flatnonzero(c.src0 == WIDE).tolist() for s in trace.wide[i]]
    if KERNELS is not None:     # the first two parts in C
        src, reader = (np.frombuffer(b, dtype=np.int32) for b in KERNELS.reads(c.src0, c.src1))
        if wide:
            more = np.array(wide, dtype=np.int32).reshape(-1, 2)
            src, reader = np.concatenate([src, more[:, 0]]), np.concatenate([reader, more[:, 1]])
        return src, reader
    ids = np.arange(len(c.codes), dtype=np.int32)
    first, second = c.src0 >= 0, c.src1 >= 0
    k1, k2 = int(np.count_nonzero(first)), int(np.count_nonzero(second))
    src, reader = np.empty(k1 + k2 + len(wide), dtype=np.int32), np.empty(k1 + k2 + len(wide), dtype=np.int32)
    src[:k1], reader[:k1] = c.src0[first], ids[first]
    src[k1:k1 + k2], reader[k1:k1 + k2] = c.src1[second], ids[second]
    if wide:
        src[k1 + k2:], reader[k1 + k2:] = [s for s, _ in wide], [i for _, i in wide]
    return src, reader


def last_readers(trace: Trace) -> np.ndarray:
    """int32 of each record: the last record that reads its value, itself when none does."""
    def make() -> np.ndarray:
        last = np.arange(len(trace.values), dtype=np.int32)
        if KERNELS is not None:     # from the sources columns: the reads need not be made
            c = columns(trace)
            KERNELS.last_reads(c.src0, c.src1, trace.wide, WIDE, last)
        else:
            np.maximum.at(last, *reads(trace, columns(trace)))
        return last
    return _once(trace, "last_readers", make)


def value_types(trace: Trace) -> np.ndarray:
    """uint8 of each record: the type of its value, ``TYPES[code]`` (exactly: not a subclass), or OTHER."""
    if COMPILED:
        return _once(trace, "value_types", lambda: np.frombuffer(COMPILED.type_codes(trace.values, TYPES), np.uint8))
    return _once(trace, "value_types", lambda: np.frombuffer(
        bytearray(map(_TYPE_CODE.__getitem__, map(type, trace.values))), np.uint8))


_SCALAR_BYTES = np.array([SCALAR_BYTES.get(t, 8) for t in TYPES] + [8], dtype=np.int64)


def scalar_bytes(trace: Trace, dtype: Any = np.int64) -> np.ndarray:
    """int64 (or ``dtype``) of each record: ``SCALAR_BYTES`` of its value's type, 8 for any other
    type. The int64 form is made once for every pass (read-only); another dtype is a new array."""
    if dtype is np.int64:
        return _once(trace, "scalar_bytes", lambda: by_code(_SCALAR_BYTES, value_types(trace)))
    return _SCALAR_BYTES.astype(dtype)[value_types(trace)]


def weighted_work(shares: Mapping[int, float], trace: Trace, part: int | None = None) -> float:
    """The sum of ``share * work`` over ``shares`` (record id -> share of its work), added one at
    a time in the dict's order, as a loop over it adds (0 when empty; ``sum`` added so before
    Python 3.12, which compensates its rounding)."""
    if not shares:
        return 0
    ids, share = as_arrays(shares)
    weighted = share * trace.work_weights(part)[ids]
    return float(np.cumsum(weighted)[-1])


def as_arrays(shares: Mapping[int, float]) -> tuple[np.ndarray, np.ndarray]:
    """(record ids int64, shares float64) of ``shares``, in its order (a ``Shares`` has them)."""
    if isinstance(shares, Shares):
        return shares.ids, shares.shares
    return (np.fromiter(shares.keys(), np.int64, len(shares)),
            np.fromiter(shares.values(), np.float64, len(shares)))
