"""A trace's records as columns, for the passes that work on a whole trace at once in numpy.

``records`` are tuples ``(op, srcs, value, fn, extra)``; a pass that asks the same question of
every record (is it a guard? which values does it read?) asks it of an array instead.

>>> from analyzer.trace import Trace
>>> from analyzer.ops import ADDITIONS, Op
>>> t = Trace(); a = t.input("a", 2.0); b = t.emit(Op.ADD, (a, a), 4.0)
>>> c = columns(t); member(c.codes, ADDITIONS).tolist(), c.scalar.tolist()
([False, True], [True, True])
>>> sources(c.srcs)[0].tolist()
[0, 0]
"""
from __future__ import annotations

from itertools import chain, repeat
from operator import is_, itemgetter
from typing import Any, Iterable, NamedTuple

import numpy as np

from analyzer.ops import Op
from analyzer.trace import Trace

OPS = tuple(Op)
CODE = {op: k for k, op in enumerate(OPS)}      # op -> its small integer code


class Columns(NamedTuple):
    ops: list[Op]
    srcs: list[tuple[int, ...]]
    values: list[Any]
    fns: list[int]
    extras: list[Any]
    codes: np.ndarray           # int64 code of each record's op
    scalar: np.ndarray          # bool: the record has no ArrayCost (a scalar op, source, call or guard)


_LAST: list[tuple[list, int, Columns]] = []     # the columns of the records split last


def columns(trace: Trace) -> Columns:
    """The columns of ``trace``. The passes of one trace run one after another, so the columns
    of the last records split are kept (with the records, so their id cannot be reused) until
    another trace asks; a trace that has grown since is split again."""
    records = trace.records
    n = len(records)
    if _LAST and _LAST[0][0] is records and _LAST[0][1] == n:
        return _LAST[0][2]
    _LAST.clear()               # the previous trace's columns go before this one's are made
    ops, srcs, values, fns, extras = (list(map(itemgetter(k), records)) for k in range(5))
    codes = np.fromiter(map(CODE.__getitem__, ops), np.int64, n)
    scalar = np.fromiter(map(is_, extras, repeat(None)), bool, n)
    made = Columns(ops, srcs, values, fns, extras, codes, scalar)
    _LAST.append((records, n, made))
    return made


def member(codes: np.ndarray, ops: Iterable[Op]) -> np.ndarray:
    """True where a record's op is one of ``ops``."""
    table = np.zeros(len(OPS), dtype=bool)
    table[[CODE[op] for op in ops]] = True
    return table[codes]


def sources(srcs: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """(every record's sources one after another, how many each record has)."""
    arity = np.fromiter(map(len, srcs), np.int64, len(srcs))
    return np.fromiter(chain.from_iterable(srcs), np.int64, int(arity.sum())), arity
