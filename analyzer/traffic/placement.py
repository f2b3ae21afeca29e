"""Where each allocation's lines go in the analysis's address space: the lines of an allocation
that is dead (dropped from fast memory, no later reader) go to allocations made after it, so the
per-line state of the simulation covers the live set, not every allocation a trace ever made.

Reusing a line number changes no figure: nothing is resident on a dead allocation's lines once
it is dropped, and the simulation settles what it knew of them (``Simulation._drop``), so a
later allocation finds them as it would find lines never used. Only the numbers differ.

>>> place([(0, 3), (1, 2), (2, 3)], {0: 1})     # 0 dies at record 1: 2, born after, reuses its lines
({0: 0, 1: 3, 2: 0}, 5)
"""
from __future__ import annotations

import heapq
from bisect import bisect_left, insort


def place(allocations: list[tuple[int, int]], death: dict[int, int]) -> tuple[dict[int, int], int]:
    """(first line of each allocation, lines in all) for ``allocations``, (first record, lines)
    in trace order; ``death`` maps those whose lines are free after a record to that record."""
    free = FreeLines()
    dying: list[tuple[int, int, int]] = []      # (death, first line, lines), a heap
    first: dict[int, int] = {}
    for st, n in allocations:
        while dying and dying[0][0] < st:       # dead before st is born: its lines are free
            _, at, m = heapq.heappop(dying)
            free.give(at, m)
        at = first[st] = free.take(n)
        d = death.get(st)
        if d is not None:
            heapq.heappush(dying, (d, at, n))
    return first, free.top


class FreeLines:
    """Runs of line numbers: taken first fit (the run at the top grows), given back merged with
    free neighbours.

    >>> f = FreeLines(); a, b = f.take(4), f.take(2); f.give(a, 4); f.take(3), f.take(2), f.top
    (0, 6, 8)
    """

    def __init__(self) -> None:
        self.starts: list[int] = []             # free runs, sorted
        self.length: dict[int, int] = {}
        self.top = 0                            # lines ever handed out

    def take(self, n: int) -> int:
        for s in self.starts:
            m = self.length[s]
            if m >= n:
                self._remove(s)
                if m > n:
                    self._add(s + n, m - n)
                return s
        if self.starts and self.starts[-1] + self.length[self.starts[-1]] == self.top:
            s = self.starts[-1]                 # the free run at the top, grown
            self._remove(s)
            self.top = s + n
            return s
        s, self.top = self.top, self.top + n
        return s

    def give(self, s: int, n: int) -> None:
        k = bisect_left(self.starts, s)
        if k < len(self.starts) and self.starts[k] == s + n:       # the run after: merged
            n += self._remove(s + n)
        if k and self.starts[k - 1] + self.length[self.starts[k - 1]] == s:   # the run before
            before = self.starts[k - 1]
            s, n = before, n + self._remove(before)
        self._add(s, n)

    def _add(self, s: int, n: int) -> None:
        insort(self.starts, s)
        self.length[s] = n

    def _remove(self, s: int) -> int:
        del self.starts[bisect_left(self.starts, s)]
        return self.length.pop(s)
