"""`lookup.suggest` for an index of tens of thousands of keys, with the same answers, fast.

Scoring every key costs an edit distance per key (seconds for 50,000 keys). A cheap lower bound
on the edit distance, half the letters that only one of the two strings uses (each insertion,
deletion or substitution changes at most two of them, a swap none), says which keys can still
beat the third best: keys are scored in order of that bound, and the rest are skipped once none
of them can. The bound is at least the difference in length, so keys are bounded a length at a
time, nearest lengths first, and lengths too far to matter are never looked at. Every key that contains the query is scored by `closeness` itself.

>>> keys = KeyTable.build({"strassen": "strassen", "strassensalgorithm": "strassen", "fft": "fft"})
>>> keys.nearest("stassen"), keys.nearest("fourier")
(['strassen'], [])
"""
from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from itertools import accumulate

from .lookup import closeness, words

_BOUNDS: dict[int, bytes] = {}  # length difference -> letters used by one only -> bound
_BIT = {c: 1 << i for i, c in enumerate("abcdefghijklmnopqrstuvwxyz0123456789")}


def _letters(text: str) -> int:
    mask = 0
    for char in set(text):
        mask |= _BIT[char]
    return mask


class KeyTable:
    """Keys as `lookup.words` sees them (one string, a line per key), each key's letter set and
    the value it leads to; stored as a few flat objects so that loading it costs next to nothing."""

    def __init__(self, text: str, masks: bytes, owners: bytes, values: list[str], split: dict[int, list[str]],
                 lengths: bytes):
        self.text, self.values, self.split = text, values, split
        self.masks, self.owners, self.lengths = array("Q", masks), array("I", owners), array("I", lengths)  # ascending
        self.count = len(self.lengths)
        self.starts = array("I", [0, *accumulate(map((1).__add__, self.lengths))])  # where each key begins in text

    def key(self, i: int) -> str:
        return self.text[self.starts[i]:self.starts[i] + self.lengths[i]]

    @classmethod
    def build(cls, candidates: Mapping[str, str]) -> KeyTable:
        """From `{key: value}` as `lookup.suggest` takes it; keys are kept shortest first."""
        rows, number = [], {}
        for key, value in candidates.items():
            parts = words(key)
            if parts:  # closeness is 0 for a key without a-z or 0-9
                rows.append(("".join(parts), parts, number.setdefault(value, len(number))))
        rows.sort(key=lambda row: len(row[0]))
        split = {i: parts for i, (_, parts, _) in enumerate(rows) if len(parts) > 1}
        masks, owners = array("Q", (_letters(key) for key, _, _ in rows)), array("I", (o for _, _, o in rows))
        lengths = array("I", (len(key) for key, _, _ in rows))
        return cls("\n".join(key for key, _, _ in rows), masks.tobytes(), owners.tobytes(), list(number), split,
                   lengths.tobytes())

    def dump(self) -> list:
        """Plain strings, bytes, lists and dicts, for marshal."""
        return [self.text, self.masks.tobytes(), self.owners.tobytes(), self.values, self.split,
                self.lengths.tobytes()]

    @classmethod
    def load(cls, dumped: list) -> KeyTable:
        return cls(*dumped)

    def _containing(self, target: str) -> list[int]:
        """The keys that contain `target`, found by the string search of the whole table."""
        found, at = [], self.text.find(target)
        while at != -1:
            index = bisect_right(self.starts, at) - 1
            found.append(index)
            at = self.text.find(target, self.starts[index + 1]) if index + 1 < self.count else -1
        return found

    def _bounds(self, size: int, mask: int, first: int, stop: int) -> bytes:
        """For keys first..stop-1, all of one length, a lower bound on the edit distance from the
        query (at most 255): the difference in length, or half the letters only one of them uses.
        Computed in C loops: the letters as a byte string, translated into bounds."""
        letters = bytes(map(int.bit_count, map(mask.__xor__, self.masks[first:stop])))
        gap = min(abs(size - self.lengths[first]), 255) if first < stop else 0
        table = _BOUNDS.get(gap)
        if table is None:
            table = _BOUNDS[gap] = bytes(min(max(gap, (count + 1) >> 1), 255) for count in range(256))
        return letters.translate(table)

    def nearest(self, query: str, limit: int = 3) -> list[str]:
        """What `lookup.suggest(query, candidates, limit)` returns for the table's candidates."""
        wanted = words(query)
        target = "".join(wanted)
        if not target or not self.count:
            return []
        best: dict[int, float] = {}  # owner -> best score of its keys

        def offer(owner: int, score: float) -> None:
            if score > best.get(owner, 0.0):
                best[owner] = score

        scored = set(self._containing(target)) | set(self.split)
        for i in scored:
            offer(self.owners[i], closeness(wanted, self.split.get(i) or [self.key(i)]))
        floor = _floor(best, limit)  # the score to reach to enter the first `limit`; only rises
        # A typo scores 1 - d/longest with d <= 40% of longest, and d >= |length difference|: so only
        # keys within 2/3 of the query's length can score; they are a slice, the keys being sorted.
        size, mask, farthest = len(target), _letters(target), len(target) * 2 // 3
        distance_from = osa_distance_from(target)
        shells: list[tuple[int, bytes]] = []  # (first key, bounds) of each length bounded so far
        for bound in range(farthest + 1):
            if 1.0 - bound / (size + bound) < floor:
                break  # a key this far from the query is at most size + bound long: it cannot reach the floor
            # keys `bound` letters longer or shorter than the query have a bound of at least `bound`:
            # bound them now, when they may first matter (most lookups stop after a few lengths)
            for length in {size - bound, size + bound}:
                first, stop = bisect_left(self.lengths, length), bisect_right(self.lengths, length)
                if first < stop:
                    shells.append((first, self._bounds(size, mask, first, stop)))
            for i in sorted(_positions(shells, bound)):
                key = self.key(i)
                longest = max(size, len(key))
                if i in scored or bound > longest * 2 // 5 or 1.0 - bound / longest < floor:
                    continue
                # A typo: what `closeness` computes when the key does not contain the query.
                reach = longest * 2 // 5
                if floor > 0:
                    reach = min(reach, int((1.0 - floor) * longest + 1e-9))
                distance = distance_from(key)
                if distance <= reach and (score := 1.0 - distance / longest) >= floor:
                    offer(self.owners[i], score)
                    if score > floor:
                        floor = _floor(best, limit)
        ranked = sorted(best, key=lambda owner: (-best[owner], self.values[owner]))
        return [self.values[owner] for owner in ranked[:limit] if best[owner] > 0]


def _positions(shells: list[tuple[int, bytes]], bound: int) -> list[int]:
    """The keys whose bound is `bound`, found by the string search of each shell's bounds."""
    found = []
    for first, bounds in shells:
        at = bounds.find(bound)
        while at != -1:
            found.append(first + at)
            at = bounds.find(bound, at + 1)
    return found


def _floor(best: dict[int, float], limit: int) -> float:
    """The score a key must reach to enter the first `limit` (0 while there are fewer)."""
    return heapq.nlargest(limit, best.values())[-1] if len(best) >= limit else 0.0


def osa_distance_from(pattern: str) -> Callable[[str], int]:
    """`text -> lookup.edit_distance(pattern, text)` without a limit, a column of the table per
    machine word (Hyyrö's bit-parallel algorithm with transpositions, 2003): ~15x faster.

    >>> distance = osa_distance_from("strassen")
    >>> distance("stassen"), distance("strsasen"), distance("strassen"), distance("")
    (1, 1, 0, 8)
    """
    size = len(pattern)
    matches: dict[str, int] = {}
    for i, char in enumerate(pattern):
        matches[char] = matches.get(char, 0) | 1 << i
    full, high = (1 << size) - 1, 1 << max(size - 1, 0)

    def distance(text: str) -> int:
        if not size:
            return len(text)
        vp, vn, d0, previous, score = full, 0, 0, 0, size
        for char in text:
            pm = matches.get(char, 0)
            d0 = ((((~d0 & pm) << 1) & previous) | (((pm & vp) + vp) ^ vp) | pm | vn) & full
            hp, hn = (vn | ~(d0 | vp)) & full, d0 & vp
            score += 1 if hp & high else -1 if hn & high else 0
            hp, hn = ((hp << 1) | 1) & full, (hn << 1) & full
            vp, vn, previous = (hn | ~(d0 | hp)) & full, d0 & hp, pm
        return score

    return distance
