"""A trace's columns as numpy arrays, for the passes that work on a whole trace at once.

The trace stores its records column-wise (``analyzer.trace``); a pass that asks the same
question of every record (is it a guard? which values does it read?) asks it of an array.

>>> from analyzer.trace import Trace
>>> from analyzer.ops import ADDITIONS, Op
>>> t = Trace(); a = t.input("a", 2.0); b = t.emit(Op.ADD, (a, a), 4.0)
>>> c = columns(t); member(c.codes, ADDITIONS).tolist(), c.scalar.tolist()
([False, True], [True, True])
>>> reads(t, c)
(array([0, 0]), array([1, 1]))
"""
from __future__ import annotations

from typing import Iterable, NamedTuple

import numpy as np

from analyzer.ops import Op
from analyzer.trace import CODE, OPS, WIDE, Trace


class Columns(NamedTuple):
    codes: np.ndarray           # uint8 code of each record's op (``OPS[code]``)
    src0: np.ndarray            # int32 first source, NONE or WIDE
    src1: np.ndarray            # int32 second source or NONE
    scalar: np.ndarray          # bool: the record has no ArrayCost (a scalar op, source, call or guard)


def columns(trace: Trace) -> Columns:
    """Copies of the trace's columns (a view would stop the trace from growing)."""
    scalar = np.ones(len(trace.values), dtype=bool)
    scalar[list(trace.extras)] = False
    return Columns(np.frombuffer(trace.ops, dtype=np.uint8).copy(), np.frombuffer(trace.src0, dtype=np.int32).copy(),
                   np.frombuffer(trace.src1, dtype=np.int32).copy(), scalar)


def member(codes: np.ndarray, ops: Iterable[Op]) -> np.ndarray:
    """True where a record's op is one of ``ops``."""
    table = np.zeros(len(OPS), dtype=bool)
    table[[CODE[op] for op in ops]] = True
    return table[codes]


def reads(trace: Trace, c: Columns) -> tuple[np.ndarray, np.ndarray]:
    """(every source read, the record that reads it), in no particular order."""
    ids = np.arange(len(c.codes))
    parts = [(c.src0[c.src0 >= 0], ids[c.src0 >= 0]), (c.src1[c.src1 >= 0], ids[c.src1 >= 0])]
    wide = [(s, i) for i in np.flatnonzero(c.src0 == WIDE).tolist() for s in trace.wide[i]]
    if wide:
        parts.append((np.array([s for s, _ in wide]), np.array([i for _, i in wide])))
    return (np.concatenate([p[0] for p in parts]).astype(np.int64),
            np.concatenate([p[1] for p in parts]).astype(np.int64))
