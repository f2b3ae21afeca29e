"""What ``Simulation.run`` does with each record, decided in numpy a chunk of records at a time, so
its loop over scalar ops (most records of a scalar trace) reads the columns it needs and no tables.

For each record: its mode (``SKIP``: touches nothing; ``SCALAR``: reads up to two words or
scalar-input lines and may make a word; ``ELEMENT``: a numpy getitem, most often an element read
``a[i, j]``; ``GENERAL``: anything else, an array op or an op with more sources), the keys its two reads touch (``NO``: none, a constant), and a bit mask of what dies
with it (1, 2: the word its first, second read touches; 4: its own result).

>>> from analyzer.trace import Trace
>>> from analyzer.traffic.layout import index
>>> from analyzer.ops import Op
>>> t = Trace(); x = t.input("x", 2.0); y = t.emit(Op.MUL, (x, x), 4.0); z = t.emit(Op.ADD, (y, t.const(1.0)), 5.0)
>>> t.outputs = (z,)
>>> modes, first, second, dead = Plan(index(t, 64), t).chunk(0, len(t))
>>> modes, (first[1], second[1]), (first[3], second[3] == NO), dead   # z reads y (dies), a constant
([0, 1, 0, 1], (-1, -1), (1, True), [0, 0, 0, 1])
"""
from __future__ import annotations

from bisect import bisect_left

import numpy as np

from analyzer.ops import Op
from analyzer.trace import CODE, WIDE, Trace
from analyzer.traffic.layout import ARRAY, COMPUTING_CODE, WORD, Layout

SKIP, SCALAR, GENERAL, ELEMENT = range(4)
NO = -(1 << 62)         # no read (a key no word or line has)
CHUNK = 1 << 15         # records planned at once: the plan of a chunk is a few lists that long


class Plan:
    def __init__(self, layout: Layout, trace: Trace) -> None:
        n = len(trace)
        kind, self.last = layout.kind_and_last()
        self.codes = np.frombuffer(trace.ops, dtype=np.uint8)
        self.src0 = np.frombuffer(trace.src0, dtype=np.int32) if n else np.zeros(0, dtype=np.int32)
        self.src1 = np.frombuffer(trace.src1, dtype=np.int32) if n else np.zeros(0, dtype=np.int32)
        kept = np.zeros(n, dtype=bool)
        kept[[k for k in layout.kept if k < n]] = True
        self.kept = kept
        words = kind == WORD
        key = np.full(n, NO, dtype=np.int64)        # the key a read of each record touches
        key[words] = np.flatnonzero(words)
        if layout.scalar_key:
            key[np.fromiter(layout.scalar_key, dtype=np.int64)] = list(layout.scalar_key.values())
        self.key = key
        self.mortal = words & ~kept                 # words that die at their last reader
        self.array = kind == ARRAY
        self.extra = np.zeros(n, dtype=bool)
        self.extra[list(trace.extras)] = True
        getitem = CODE[Op.GETITEM]
        self.element = sorted(i for i, e in trace.extras.items() if e[4] == "getitem" and trace.ops[i] == getitem)
        self.computing = COMPUTING_CODE

    def chunk(self, start: int, stop: int) -> tuple[list[int], list[int], list[int], list[int]]:
        """(modes, first read's keys, second read's keys, what dies) of records ``start..stop``."""
        ids = np.arange(start, stop, dtype=np.int64)
        s0, s1 = self.src0[start:stop], self.src1[start:stop]
        has0, has1 = s0 >= 0, s1 >= 0
        c0, c1 = np.where(has0, s0, 0), np.where(has1, s1, 0)
        general = (s0 == WIDE) | (has0 & self.array[c0]) | (has1 & self.array[c1])
        modes = np.where(self.computing[self.codes[start:stop]], np.where(general, GENERAL, SCALAR), SKIP)
        modes[self.extra[start:stop]] = GENERAL
        element = self.element[bisect_left(self.element, start):bisect_left(self.element, stop)]
        modes[np.array(element, dtype=np.int64) - start] = ELEMENT
        first = np.where(has0, self.key[c0], NO)
        second = np.where(has1, self.key[c1], NO)
        last = self.last
        dead = ((has0 & self.mortal[c0] & (last[c0] == ids)) * 1 | (has1 & self.mortal[c1] & (last[c1] == ids)) * 2
                | ((last[start:stop] == ids) & ~self.kept[start:stop]) * 4)
        return modes.tolist(), first.tolist(), second.tolist(), dead.tolist()
