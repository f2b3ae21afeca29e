"""The fast memory's state in numpy, and the touches of one line at a time (``bulk`` adds many).

Array lines live in a ``LineLog`` (per-line stamps from a clock, numpy), with their owners and
dirty flags in per-line arrays; words and scalar-input lines stay in the ordered dict ``self.lru``,
the scalar hot path. The LRU order is the merge of the two: whenever array lines are touched after
a word was, a *marker* (key ``ARRAY_KEYS`` + the clock, holding the clock) is appended to the dict,
so each word is older than every line stamped at or after its next marker's clock and younger
than every line stamped before it.
"""
from __future__ import annotations

from collections import deque

import numpy as np

from analyzer.trace import Trace
from analyzer.traffic.accounting import FRESH, READ
from analyzer.traffic.layout import ARRAY_KEYS
from analyzer.traffic.line_log import LineLog
from analyzer.traffic.simulation import Simulation


class FastMemory(Simulation):
    """Abstract: ``analyzer.traffic.bulk.Bulk`` touches many lines at once. (Per-line owners and
    dirty flags live in the log: more than 30 instance attributes would slow every attribute
    access of the scalar hot path, CPython's shared-key instance dicts being capped at 30.)"""

    def __init__(self, trace: Trace, fast_memory: int, line: int) -> None:
        super().__init__(trace, fast_memory, line)
        n = self.layout.top // line
        self.log = LineLog(n)
        self.markers: deque[int] = deque()      # the clocks of the dict's markers, in order

    def _misses_in_c(self) -> bool:
        """The compiled walk does misses, evictions and element reads as ``_word``, ``_key``,
        ``_line``, ``_add_marker``, ``_evict`` and ``_element`` here do, on this memory's ordered
        dict, markers and line log (a subclass that changes any of them does them itself)."""
        cls = type(self)
        return (type(self.log) is LineLog and cls._evict is FastMemory._evict
                and cls._key is FastMemory._key and cls._word is Simulation._word
                and cls._line is FastMemory._line and cls._add_marker is FastMemory._add_marker
                and cls._drop_markers is FastMemory._drop_markers and cls._element is Simulation._element
                and cls._new_word is Simulation._new_word and cls._drop is Simulation._drop
                and cls._write_back is Simulation._write_back and cls._read_kind is Simulation._read_kind
                and cls._read_miss is Simulation._read_miss and cls._count is Simulation._count
                and cls._live is Simulation._live)

    # ---- words and lines in one order ----
    def _mark(self) -> None:
        """Array lines are about to be touched: a marker after the words touched since the last."""
        lru = self.lru
        if lru and next(reversed(lru)) < ARRAY_KEYS:
            self._add_marker()

    def _add_marker(self) -> None:
        lru, clock = self.lru, self.log.clock   # a line is touched before the next marker: keys are distinct
        lru[ARRAY_KEYS + clock] = clock
        self.markers.append(clock)
        if len(self.markers) > 2 * (len(lru) - len(self.markers)) + 1024:
            self._drop_markers()

    def _drop_markers(self) -> None:
        """Markers with no word before them (since the previous marker) order nothing: drop them."""
        lru, idle, idle_markers = self.lru, True, []
        for key in lru:
            if key >= ARRAY_KEYS and idle:
                idle_markers.append(key)
            idle = key >= ARRAY_KEYS
        for key in idle_markers:
            del lru[key]
        self.markers = deque(lru[k] for k in lru if k >= ARRAY_KEYS)

    def _evict(self) -> None:
        lru, dirty, line, log, markers = self.lru, self.dirty, self.line, self.log, self.markers
        while self.used > self.capacity:
            if log.resident:            # the oldest line (stale log entries skipped), inlined
                h, lines, ticks, stamps = log.head, log.lines, log.ticks, log.stamps
                while stamps[lines[h]] != ticks[h]:
                    h += 1
                log.head, tick = h, ticks[h]
                front = next(iter(lru), None)
                if front is None or (front < ARRAY_KEYS and (not markers or tick < markers[0])) or \
                        (front >= ARRAY_KEYS and tick < lru[front]):
                    n = lines[h]                    # the oldest line is older than any word: out
                    stamps[n] = -1
                    log.head, log.resident = h + 1, log.resident - 1
                    self.used -= line
                    if log.dirties[n]:
                        log.dirties[n] = False
                        self._write_back(ARRAY_KEYS + n, log.owners[n], line)
                    continue
            elif not lru:
                return
            key, v = lru.popitem(last=False)
            if key >= ARRAY_KEYS:
                markers.popleft()
                continue
            size, owner = (v, key) if key >= 0 else (line, v)
            self.used -= size
            if key in dirty:
                dirty.discard(key)
                self._write_back(key, owner, size)

    # ---- one line ----
    def _key(self, key: int, owner: int, mode: int = READ) -> None:
        lru = self.lru                  # a scalar-input line: a word's path
        if key in lru:
            lru.move_to_end(key)
            if mode:
                lru[key] = owner
                self.dirty.add(key)
            return
        if mode != FRESH:
            self._read_miss(key, owner, mode)
        self.seen.add(key)
        lru[key] = owner
        self.used += self.line
        if mode:
            self.dirty.add(key)
        if self.used > self.capacity:
            self._evict()

    def _line(self, n: int, owner: int, mode: int = READ) -> None:
        """Touch array line ``n`` (``LineLog.touch_one``, inlined: the path of element reads)."""
        lru, log = self.lru, self.log
        if lru and next(reversed(lru)) < ARRAY_KEYS:     # _mark, inlined
            self._add_marker()
        stamps = log.stamps
        if stamps[n] < 0:
            if mode != FRESH:
                self._read_miss(ARRAY_KEYS + n, owner, mode)
            self.seen_flags[n] = True
            log.owners[n] = owner
            self.used += self.line
            log.resident += 1
        elif mode:
            log.owners[n] = owner
        if mode:
            log.dirties[n] = True
        t = log.tail
        if t == len(log.lines):
            log.grow(1)
            t = log.tail
        tick = log.clock
        stamps[n] = log.ticks[t] = tick
        log.lines[t] = n
        log.tail, log.clock = t + 1, tick + 1
        if self.used > self.capacity:
            self._evict()

    def _drop_lines(self, st: int, first: int, last: int) -> None:
        log = self.log
        if last - first < 16:
            stamps, owners = log.stamps, log.owners
            gone = [n for n in range(first, last + 1) if stamps[n] >= 0 and owners[n] == st]
        elif last - first > 4 * (log.tail - log.head) + 4096:     # a large span, few resident lines
            lines = log.valid()[1]
            gone = lines[(lines >= first) & (lines <= last)]
            gone = gone[log.owner[gone] == st]
        else:
            gone = np.flatnonzero((log.stamp[first:last + 1] >= 0) & (log.owner[first:last + 1] == st)) + first
        if len(gone):
            gone = np.asarray(gone, dtype=np.int64)
            log.forget(gone)
            log.dirty[gone] = False
            self.used -= len(gone) * self.line

    def _dirty_lines(self) -> dict[int, int]:
        log = self.log
        owners, counts = np.unique(log.owner[np.flatnonzero(log.dirty)], return_counts=True)
        return dict(zip(owners.tolist(), (counts * self.line).tolist()))

