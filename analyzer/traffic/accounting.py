"""The bytes a simulation moves: the ``Traffic`` record, and the rules that give each byte its kind
and its owner (the model is in ``analyzer.traffic``'s docstring)."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from analyzer.traffic.layout import ARRAY_KEYS, Layout

KINDS = ("cold", "result", "reuse", "spill", "unplaced")
# how an op touches a line: reads it; reads and rewrites it (a += b); overwrites part of it, so
# reads it only because lines move whole (write-allocate); writes a fresh buffer (no read)
READ, UPDATE, OVERWRITE, FRESH = range(4)
FOREVER = 1 << 62


@dataclass(frozen=True)
class Traffic:
    """Bytes moved by one run. ``reads + writes == sum(kinds.values())``.

    ``by_value`` maps the id of the record whose data moved (the op that produced a computed
    value or buffer, the input or constant it came from) to ``(bytes read, bytes written)``.
    """
    fast_memory: int
    line: int
    reads: int
    writes: int
    kinds: Mapping[str, int]
    by_value: Mapping[int, tuple[int, int]]

    @property
    def total(self) -> int:
        return self.reads + self.writes


class Accounting:
    """Counters, and what is known of data that left fast memory: ever read in (cold or not),
    written out (a spill if read back)."""

    def __init__(self, layout: Layout, fast_memory: int, line: int) -> None:
        self.layout, self.capacity, self.line = layout, fast_memory, line
        self.last, self.kept, self.inputs = layout.last, layout.kept, layout.inputs
        self.seen: set[int] = set()         # scalar-input line keys ever in fast memory
        self.pending: dict[int, tuple[int, int]] = {}  # words, scalar-input lines written out: key -> (owner, size)
        lines = layout.top // line
        self.seen_lines = np.zeros(lines, dtype=bool)      # array lines ever in fast memory
        self.pending_lines = np.zeros(lines, dtype=bool)   # array lines written out: a spill if read back
        self.seen_flags, self.pending_flags = memoryview(self.seen_lines), memoryview(self.pending_lines)
        self.now = 0
        self.reading: set[int] = set()      # storages the current op reads
        self.kinds = dict.fromkeys(KINDS, 0)
        self.moved: dict[int, list[int]] = {}

    def _count(self, kind: str | None, owner: int, nbytes: int, write: bool) -> None:
        """Bytes moved; a write-back's kind (``None``) is decided later: spill if read back."""
        if kind is not None:
            self.kinds[kind] += nbytes
        m = self.moved.get(owner)       # (reads and writes are their sums: fewer attributes keep
        if m is None:                   # attribute access fast, see ``Simulation``)
            m = self.moved[owner] = [0, 0]
        m[write] += nbytes

    def _read_kind(self, key: int, owner: int, mode: int = READ) -> str:
        """Data coming in from slow memory: for the first time (cold); input data again (reuse);
        computed data its op consumes, back after being written out (spill, and so was the write);
        a line read back only to overwrite part of it (reuse: the line was not kept)."""
        again = "spill" if mode != OVERWRITE else "reuse"
        if key >= ARRAY_KEYS:
            n = key - ARRAY_KEYS
            if self.pending_flags[n]:
                self.pending_flags[n] = False
                self.kinds[again] += self.line
                return again
            if not self.seen_flags[n]:
                return "cold"
            return "reuse" if owner in self.inputs else again
        written = self.pending.pop(key, None)
        if written is not None:
            self.kinds[again] += written[1]
            return again
        if key not in self.seen:
            return "cold"
        return "reuse"

    def _read_miss(self, key: int, owner: int, mode: int = READ) -> None:
        self._count(self._read_kind(key, owner, mode), owner, self.line, False)

    def _read_bulk(self, at: Any, owner: int, mode: int) -> None:
        """``_read_miss`` for each array line numbered ``at`` (distinct, all of one owner), in bulk."""
        again = "spill" if mode != OVERWRITE else "reuse"
        line = self.line
        back = int(np.count_nonzero(self.pending_lines[at]))      # written out, now read back
        if back:
            self.pending_lines[at] = False
            self.kinds[again] += back * line
        count = at.stop - at.start if isinstance(at, slice) else len(at)
        new = count - int(np.count_nonzero(self.seen_lines[at]))  # (a line written out was seen)
        for kind, lines in ((again, back), ("cold", new),
                            ("reuse" if owner in self.inputs else again, count - back - new)):
            if lines:
                self._count(kind, owner, int(lines) * line, False)

    def _live(self, owner: int) -> bool:
        """Whether ``owner``'s data is still needed after the current op (or is a result)."""
        last = self.last[owner]
        return last > self.now or owner in self.kept or (last == self.now and owner in self.reading)

    def _write_back(self, key: int, owner: int, size: int) -> None:
        """A dirty line or word leaves fast memory: written out unless its data is dead."""
        if self._live(owner):
            self._count(None, owner, size, True)
            if key >= ARRAY_KEYS:
                self.pending_flags[key - ARRAY_KEYS] = True
            else:
                self.pending[key] = (owner, size)

    def _write_back_lines(self, lines: np.ndarray, owners: np.ndarray) -> None:
        """``_write_back`` for dirty array lines numbered ``lines``, of ``owners``, in bulk."""
        if not len(lines):
            return
        uniq, which = np.unique(owners, return_inverse=True)
        alive = np.array([self._live(o) for o in uniq.tolist()], dtype=bool)
        counts = np.bincount(which, minlength=len(uniq))
        for owner, count in zip(uniq[alive].tolist(), counts[alive].tolist()):
            self._count(None, owner, count * self.line, True)
        self.pending_lines[lines[alive[which]]] = True

    def _write_back_words(self, items: list[tuple[int, int]]) -> None:
        """``_write_back`` for each (key, size or owner) of dirty words and scalar-input lines."""
        line, live = self.line, self._live
        bytes_of: dict[int, int] = {}       # live owner -> bytes written
        dead: set[int] = set()
        for key, v in items:
            size, owner = (v, key) if key >= 0 else (line, v)
            if owner in dead:
                continue
            if owner not in bytes_of:
                if not live(owner):
                    dead.add(owner)
                    continue
                bytes_of[owner] = 0
            bytes_of[owner] += size
            self.pending[key] = (owner, size)
        for owner, nbytes in bytes_of.items():
            self._count(None, owner, nbytes, True)

    def _settle(self, st: int) -> None:
        """Dead storage ``st``'s lines are free for later allocations: what was written out of them
        is a spill now (``_finish`` counts the rest), and they are as if never used."""
        start, end = self.layout.span[st]
        first, stop = start // self.line, -(-end // self.line)
        self.kinds["spill"] += int(np.count_nonzero(self.pending_lines[first:stop])) * self.line
        self.pending_lines[first:stop] = False
        self.seen_lines[first:stop] = False

    def _finish(self, written: dict[int, int]) -> Traffic:
        """The record, once ``written`` (owner -> bytes still dirty at the end) reach slow memory."""
        kept, line = self.kept, self.line
        for owner, size in written.items():
            self._count("result" if owner in kept else "spill", owner, size, True)
        for owner, size in self.pending.values():    # written out and never read back
            self.kinds["result" if owner in kept else "spill"] += size
        released = self.layout.released
        for st, (start, end) in self.layout.span.items():
            if st in released:          # counted by ``_settle``
                continue
            lines = np.count_nonzero(self.pending_lines[start // line:-(-end // line)])
            self.kinds["result" if st in kept else "spill"] += int(lines) * line
        reads, writes = (sum(m[k] for m in self.moved.values()) for k in (0, 1))
        return Traffic(self.capacity, self.line, reads, writes, MappingProxyType(dict(self.kinds)),
                       MappingProxyType({k: (v[0], v[1]) for k, v in sorted(self.moved.items())}))
