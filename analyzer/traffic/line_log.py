"""Which array lines are resident, in what order they were last touched, their owners and dirty
flags, kept in numpy.

Each touch takes the next tick of a clock: ``stamp[n]`` is the tick of line ``n``'s last touch
(-1: not resident), and the log lists (line, tick) in touch order. A log entry whose tick is no
longer its line's stamp is stale (touched again since, or gone), so the resident lines, oldest
first, are the log's valid entries in order: the oldest is found by skipping stale entries at the
head, each once (``Bulk._evict`` does it inline), and touching k lines costs O(k) numpy work however
many are resident.

>>> log = LineLog(8)
>>> log.touch(np.array([3, 5, 6]), new=3); log.touch(np.array([3]), new=0)
>>> log.oldest_lines(8)[1].tolist()         # 3 was touched again: now the youngest
[5, 6, 3]
"""
from __future__ import annotations

from typing import Any

import numpy as np


class LineLog:
    def __init__(self, lines: int) -> None:
        self.stamp = np.full(lines, -1, dtype=np.int64)
        self.owner = np.zeros(lines, dtype=np.int32)    # what a resident line holds: a record id
        self.dirty = np.zeros(lines, dtype=bool)        # whether it was written since it came in
        # one element at a time, without numpy scalars
        self.stamps, self.owners, self.dirties = memoryview(self.stamp), memoryview(self.owner), memoryview(self.dirty)
        self.clock = 0
        self.resident = 0
        self.head = self.tail = 0
        self.log_line = self.log_tick = np.zeros(0, dtype=np.int64)
        self._resize(1024)

    def _resize(self, size: int) -> None:
        """Keep only the valid entries, in arrays of ``size``."""
        lines, ticks = self.valid()[1:]
        self.log_line = np.empty(size, dtype=np.int64)
        self.log_tick = np.empty(size, dtype=np.int64)
        self.log_line[:len(lines)] = lines
        self.log_tick[:len(lines)] = ticks
        self.head, self.tail = 0, len(lines)
        self.lines, self.ticks = memoryview(self.log_line), memoryview(self.log_tick)

    def valid(self, start: int | None = None, stop: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(log indices, lines, ticks) of the valid entries between ``start`` and ``stop``."""
        start = self.head if start is None else start
        stop = self.tail if stop is None else stop
        if start >= stop:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        lines, ticks = self.log_line[start:stop], self.log_tick[start:stop]
        keep = np.flatnonzero(self.stamp[lines] == ticks)
        return keep + start, lines[keep], ticks[keep]

    def grow(self, k: int) -> None:
        """Room for ``k`` more entries at the tail."""
        self._resize(2 * (self.resident + k) + 1024)

    def touch(self, lines: np.ndarray, new: int, at: Any = None) -> None:
        """Distinct ``lines`` become the youngest, in order; ``new`` of them were not resident;
        ``at`` indexes them in a per-line array (a slice when they are consecutive)."""
        k = len(lines)
        if self.tail + k > len(self.log_line):
            self.grow(k)
        ticks = np.arange(self.clock, self.clock + k, dtype=np.int64)
        self.stamp[lines if at is None else at] = ticks
        self.log_line[self.tail:self.tail + k] = lines
        self.log_tick[self.tail:self.tail + k] = ticks
        self.tail += k
        self.clock += k
        self.resident += new

    def oldest_lines(self, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
        """(log indices, lines, ticks) of the ``k`` oldest resident lines, and whether that is all."""
        parts, got, end = [], 0, self.head
        while got < k and end < self.tail:
            stop = min(self.tail, end + max(2 * (k - got), 256))
            found = self.valid(end, stop)
            parts.append(found)
            got += len(found[0])
            end = stop
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, True
        index, lines, ticks = (np.concatenate([p[i] for p in parts])[:k] for i in range(3))
        if len(index):
            self.head = int(index[0])
        return index, lines, ticks, end >= self.tail and got <= k

    def forget(self, lines: np.ndarray) -> None:
        """Resident ``lines`` leave (their entries go stale)."""
        self.stamp[lines] = -1
        self.resident -= len(lines)

    def clear(self) -> None:
        self.stamp[self.valid()[1]] = -1
        self.head = self.tail = self.resident = 0
