"""The fast memory by definition: one ordered dict of everything resident, oldest first, every
line touched one at a time, every record walked through ``Simulation._record``, every allocation
on lines of its own. Slow on large arrays; the tests hold ``Bulk`` to its figures."""
from __future__ import annotations

from typing import Any

import numpy as np

from analyzer.trace import OPS
from analyzer.traffic.accounting import FRESH
from analyzer.traffic.layout import ARRAY_KEYS, COMPUTING
from analyzer.traffic.simulation import Simulation


class LineByLine(Simulation):
    """``self.lru`` maps each resident key to its size (a word) or its owner (a line). Every
    allocation keeps lines of its own (no recycling): the reference the others are held to."""
    recycles = False

    def _walk_trace(self) -> None:
        """Every record that moves data through ``_record`` (no plan, no inlined hot path)."""
        t = self.trace
        computing = bytes(op in COMPUTING for op in OPS)
        extras = t.extras
        for i, (code, value) in enumerate(zip(t.ops, t.values)):
            if computing[code] or i in extras:
                self.now = i
                self._record(i, value)

    def _evict(self) -> None:
        lru, dirty, line = self.lru, self.dirty, self.line
        while self.used > self.capacity and lru:
            key, v = lru.popitem(last=False)
            size, owner = (v, key) if 0 <= key < ARRAY_KEYS else (line, v)
            self.used -= size
            if key in dirty:
                dirty.discard(key)
                self._write_back(key, owner, size)

    def _key(self, key: int, owner: int, mode: int = 0) -> None:
        lru = self.lru
        if key in lru:
            lru.move_to_end(key)
            if mode:
                lru[key] = owner
                self.dirty.add(key)
            return
        if mode != FRESH:
            self._read_miss(key, owner, mode)
        if key >= ARRAY_KEYS:
            self.seen_lines[key - ARRAY_KEYS] = True
        else:
            self.seen.add(key)
        lru[key] = owner
        self.used += self.line
        if mode:
            self.dirty.add(key)
        if self.used > self.capacity:
            self._evict()

    def _line(self, n: int, owner: int, mode: int = 0) -> None:
        self._key(ARRAY_KEYS + n, owner, mode)

    def _touch_walk(self, seq: Any, which: np.ndarray | None, regions: list[tuple[Any, int, int]]) -> None:
        _, owner, mode = regions[0]
        which = None if which is None else which.tolist()
        for k, n in enumerate(seq.tolist() if isinstance(seq, np.ndarray) else seq):
            if which is not None:
                _, owner, mode = regions[which[k]]
            self._key(ARRAY_KEYS + n, owner, mode)

    def _drop_lines(self, st: int, first: int, last: int) -> None:
        lru = self.lru
        for key in range(ARRAY_KEYS + first, ARRAY_KEYS + last + 1):
            if lru.get(key, -1) == st:
                del lru[key]
                self.used -= self.line
                self.dirty.discard(key)

    def _dirty_lines(self) -> dict[int, int]:
        written: dict[int, int] = {}
        for key in self.dirty:
            if key >= ARRAY_KEYS:
                owner = self.lru[key]
                written[owner] = written.get(owner, 0) + self.line
        return written
