"""The fast memory in bulk: the figures of ``LineByLine`` (touching every line in turn), with an
op that touches k array lines costing O(k) numpy work (the state: ``analyzer.traffic.lru``).

Touching distinct lines, at most M bytes in all, evicts only data resident before the touch and
not yet touched in it (what it inserts or moves is younger than all of that, and it cannot push
out more than there was). So a resident line at position p of the touch is a hit unless the
misses before it pushed it out: with ``older`` the bytes resident before the touch and older than
it, it is a hit iff ``older - (bytes of earlier hits older than it) >= used - M + line * (misses
before p)``. When the touched lines' stamps rise along the touch (the previous op walked them in
the same order: the common case) the earlier hits are all older, and the test is
``older >= used - M + line * p``, one numpy comparison; otherwise it is decided line by line.
"""
from __future__ import annotations

from bisect import bisect_left, insort
from typing import Any

import numpy as np

from analyzer.passes.columns import distinct
from analyzer.traffic.accounting import FRESH, READ
from analyzer.traffic.layout import ARRAY_KEYS
from analyzer.traffic.lru import FastMemory

_YOUNGEST = 1 << 62     # the time of words no array line was touched after
_FEW = 64               # touches of this many lines or fewer: one at a time


class Bulk(FastMemory):
    """Walks of many lines: up to M bytes at a time as one numpy touch, the rest streamed."""

    def _touch_walk(self, seq: Any, which: np.ndarray | None, regions: list[tuple[Any, int, int]]) -> None:
        """Up to M bytes at a time through ``_touch``; a walk longer than twice fast memory
        streams the rest (``_stream``); lines repeated in one walk one by one."""
        room = self.capacity // self.line
        if len(seq) <= _FEW:            # numpy's overhead would outweigh the work
            _, owner, mode = regions[0]
            for k, n in enumerate(seq.tolist() if isinstance(seq, np.ndarray) else seq):
                if which is not None:
                    _, owner, mode = regions[which[k]]
                self._line(n, owner, mode)
            return
        if isinstance(seq, range) and len(seq) <= room:     # one slice: the common case
            self._touch(np.arange(seq.start, seq.stop, dtype=np.int64), slice(seq.start, seq.stop), None,
                        regions)
            return
        seq = np.arange(seq.start, seq.stop, dtype=np.int64) if isinstance(seq, range) else \
            np.asarray(seq, dtype=np.int64)
        # allocations never share a line (each starts its own): regions of distinct owners are disjoint
        disjoint = len({r[1] for r in regions}) == len(regions)
        streamed = len(seq) >= 2 * room and disjoint
        head = seq[:room] if streamed else seq
        heads = None if which is None else which[:len(head)]
        if disjoint or len(distinct(head)) == len(head):
            for start in range(0, len(head), room):
                keys = head[start:start + room]
                self._touch(keys, keys, None if heads is None else heads[start:start + room], regions)
        else:
            _, owner, mode = regions[0]
            for k, n in enumerate(head.tolist()):
                if heads is not None:
                    _, owner, mode = regions[heads[k]]
                self._line(n, owner, mode)
        if streamed:
            self._stream(seq, which, regions, room)

    def _touch(self, keys: np.ndarray, at: Any, which: np.ndarray | None,
               regions: list[tuple[Any, int, int]]) -> None:
        """What ``_line`` does to each of the distinct array lines ``keys`` (at most M bytes; ``at``
        indexes them: a slice when they are consecutive), in bulk: hits and evictions first (see
        the module docstring), then reads and stamps."""
        line, log, n = self.line, self.log, len(keys)
        self._mark()
        stamps = log.stamp[at]
        hit = stamps >= 0
        over = self.used + n * line - self.capacity     # bytes to free were nothing touched resident
        if over > 0:                    # (stamps: a view when ``at`` is a slice, and evictions change it)
            self._hits_and_evictions(stamps.copy(), hit, over)
        misses = n - int(np.count_nonzero(hit))
        missed = at if misses == n else keys[~hit] if misses else None
        if which is None:
            _, owner, mode = regions[0]
            if misses:
                self._read_new(missed, owner, mode)
            if mode != READ:
                self.log.owner[at] = owner
                self.log.dirty[at] = True
            elif misses:
                self.log.owner[missed] = owner              # a line read keeps its owner
        else:
            for r, (_, owner, mode) in enumerate(regions):
                lines = keys[~hit & (which == r)]
                if len(lines):
                    self._read_new(lines, owner, mode)
            writes = np.array([r[2] != READ for r in regions])[which]
            owned = ~hit | writes
            self.log.owner[keys[owned]] = np.array([r[1] for r in regions], dtype=np.int64)[which[owned]]
            self.log.dirty[keys[writes]] = True
        log.touch(keys, misses, at)
        self.used += misses * line

    def _read_new(self, lines: np.ndarray, owner: int, mode: int) -> None:
        """Lines that were not resident come in: read unless fresh."""
        if mode != FRESH:
            self._read_bulk(lines, owner, mode)
        self.seen_lines[lines] = True

    def _hits_and_evictions(self, stamps: np.ndarray, hit: np.ndarray, over: int) -> None:
        """Clear ``hit`` where a resident line is pushed out before its touch; evict."""
        line, base = self.line, self.used - self.capacity
        index, times, sizes, keys = self._oldest(over)
        cum = np.concatenate([[0], np.cumsum(sizes)])
        pos = np.flatnonzero(hit)
        older = cum[np.searchsorted(times, 2 * stamps[pos])]        # bytes resident before, and older
        if np.all(stamps[pos][1:] > stamps[pos][:-1]):
            hit[pos] = older >= base + line * pos
        else:
            hit_stamps: list[int] = []          # sorted
            for p, s, o in zip(pos.tolist(), stamps[pos].tolist(), older.tolist()):
                if o - line * bisect_left(hit_stamps, s) >= base + line * (p - len(hit_stamps)):
                    insort(hit_stamps, s)
                else:
                    hit[p] = False
        need = over - line * int(np.count_nonzero(hit))
        if need <= 0:
            return
        is_line = index >= 0
        if is_line.any():       # a collected line touched as a hit is not evicted: it moves
            kept = np.zeros(len(index), dtype=bool)
            kept[is_line] = np.isin(times[is_line] // 2, stamps[hit])
            sizes = np.where(kept, 0, sizes)
        else:
            kept = np.zeros(len(index), dtype=bool)
        before = np.cumsum(sizes) - sizes
        out = np.flatnonzero((before < need) & ~kept)
        leaving = index[out]
        gone = self.log.log_line[leaving[leaving >= 0]]
        if len(gone):
            self.log.forget(gone)
            self.log.head = int(leaving[leaving >= 0][-1]) + 1
            self.used -= len(gone) * line
            back = gone[self.log.dirty[gone]]
            self.log.dirty[back] = False
            self._write_back_lines(back, self.log.owner[back])
        words = []
        for j in leaving[leaving < 0].tolist():
            key = keys[-1 - j]
            v = self.lru.pop(key)
            if key >= ARRAY_KEYS:
                self.markers.popleft()
                continue
            self.used -= v if key >= 0 else line
            if key in self.dirty:
                self.dirty.discard(key)
                words.append((key, v))
        if words:
            self._write_back_words(words)

    def _oldest(self, over: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[int]]:
        """The oldest resident data, at least ``over`` bytes of it (or all), oldest first:
        (log index of a line, or -1 - j for the dict's j-th entry; time: 2 x stamp for a line,
        2 x clock - 1 for an entry before the marker of that clock; bytes; the dict's keys)."""
        line, lru, markers = self.line, self.lru, self.markers
        index, _, ticks, everything = self.log.oldest_lines(-(-over // line))
        limit = _YOUNGEST if everything else 2 * int(ticks[-1])
        keys, times, sizes, total, m = [], [], [], 0, 0
        for key, v in lru.items():
            if key >= ARRAY_KEYS:
                time, size = 2 * v - 1, 0
                m += 1
            else:
                time = 2 * markers[m] - 1 if m < len(markers) else _YOUNGEST
                size = v if key >= 0 else line
            if time > limit or total >= over:
                break
            keys.append(key)
            times.append(time)
            sizes.append(size)
            total += size
        line_sizes = np.full(len(ticks), line, dtype=np.int64)
        if not keys:
            return index, 2 * ticks, line_sizes, keys
        all_times = np.concatenate([2 * ticks, np.array(times, dtype=np.int64)])
        order = np.argsort(all_times, kind="stable")
        index = np.concatenate([index, -1 - np.arange(len(keys), dtype=np.int64)])[order]
        return index, all_times[order], np.concatenate([line_sizes, np.array(sizes, dtype=np.int64)])[order], keys

    def _stream(self, seq: np.ndarray, which: np.ndarray | None, regions: list[tuple[Any, int, int]],
                room: int) -> None:
        """The rest of a walk longer than twice fast memory: every line past the first ``room`` is a
        miss, so in bulk: what is resident leaves, the middle passes through, the last ``room`` stay."""
        line, log = self.line, self.log
        resident = log.valid()[1]
        back = resident[self.log.dirty[resident]]
        self.log.dirty[back] = False
        self._write_back_lines(back, self.log.owner[back])
        self._write_back_words([(k, v) for k, v in self.lru.items() if k in self.dirty])
        log.clear()
        self.lru.clear()
        self.dirty.clear()
        self.markers.clear()
        n = len(seq)
        for r, (_, owner, mode) in enumerate(regions):
            write = mode != READ
            if which is None:
                middle, tail = seq[room:n - room], seq[n - room:]
            else:
                middle = seq[room:n - room][which[room:n - room] == r]
                tail = seq[n - room:][which[n - room:] == r]
            passing = np.concatenate([middle, tail])
            if mode != FRESH:
                self._read_bulk(passing, owner, mode)
            self.seen_lines[passing] = True
            if write and len(middle) and self._live(owner):
                self._count(None, owner, len(middle) * line, True)
                self.pending_lines[middle] = True
            if write:
                self.log.dirty[tail] = True
            self.log.owner[tail] = owner
        log.touch(seq[n - room:], room)
        self.used = room * line
