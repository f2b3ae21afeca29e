"""Data movement: the bytes one traced run moves between a slow memory and a fast memory of M bytes.

The model, stated so that a figure can be predicted from a trace by hand:

- **Fast memory**: ``fast_memory`` (M) bytes, fully associative, least recently used out first,
  write-back and write-allocate, holding ``line``-byte lines (default 64: the cache line of every
  x86-64 core, the CPU preset's included; Hong & Kung's word model is ``line=8`` for float64).
  Inputs start in slow memory; results must end there.
- **Ideal about dead data**: a value none of whose data is used again (and that is not an output
  or an input, the caller's memory) is dropped without being written back — a register, shared
  memory, or a buffer a compiler reuses. This is the red-blue pebble game's free deletion
  (Hong & Kung 1981); without it every temporary of a trace (which never frees memory) would
  cost a write-back, and FlashAttention's tiles would cost what the whole score matrix does.
- **Addresses, scalar traces** (element granularity): each traced scalar input is one element;
  the elements of one input (a list, a list of lists) are contiguous, row after row, and each
  input starts on a new line. A computed scalar occupies its own slot of its size (8 bytes for
  a float): where a program keeps it is not in the trace, so it is placed where it costs least.
  Constants are immediates (free).
- **Addresses, array traces** (numpy; torch traces after the run): the real buffer address,
  shape and strides of each operand, so a view touches only its own lines. An element read
  ``a[i, j]`` touches one line; ``c[i, j] = x`` writes one (reading it first if absent). Creating a
  view moves nothing. Where the trace does not say which lines (a gather ``a[idx]``, an assignment
  ``a[2:5] = x`` whose slice the tracer does not record), the bytes are counted as ``unplaced``
  reads or writes, streamed past fast memory.
- **An op is a streaming kernel**: it reads each line of each operand once, then writes each
  line of its result once, in address order; its internal reuse (a library matmul's own
  blocking) is not in the trace and not charged. An op whose working set exceeds M therefore
  evicts its own first lines as it goes, and the next op that needs them reads them again.
  A fresh result is written without reading; a write into an existing buffer reads each absent
  line first (write-allocate).

Every byte moved is one of five kinds, so attribution can split the traffic:

==============  ===========================================================================
``cold``        first read of input data (compulsory: no schedule avoids it)
``result``      writing results (outputs, and inputs written in place) when done with them
``reuse``       input data read again after eviction: what reuse in fast memory saves
                (tiling, blocking, interchange: caching, in the hardware sense)
``spill``       computed data written out while still needed, and read back: what keeping an
                intermediate in fast memory saves (fusion: inlining)
``unplaced``    reads and writes whose lines the trace does not name
==============  ===========================================================================

>>> import numpy as np
>>> from analyzer.tracers import run
>>> t = Trace(); _ = run(lambda x: (x * 2.0) + x, {"x": np.zeros(1024)}, t)
>>> r = traffic(t, fast_memory=1 << 20, line=8)
>>> r.kinds["cold"], r.kinds["result"], r.kinds["spill"]      # x read once, the sum written once
(8192, 8192, 0)
>>> traffic(t, fast_memory=4096, line=8).kinds["spill"]      # x * 2.0 spills, then is read back
16384
"""
from __future__ import annotations

from bisect import bisect_left, insort
from collections import OrderedDict, deque
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from analyzer.machines import CPU_CORE
from analyzer.ops import GUARDS, SCALAR_COST, Op
from analyzer.trace import NONE, OPS, SCALAR_BYTES, Trace

DEFAULT_LINE = 64
DEFAULT_FAST_MEMORY = CPU_CORE.fast_memory  # the CPU preset's L2: 512 KiB
KINDS = ("cold", "result", "reuse", "spill", "unplaced")


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


_FREE, _WORD, _SCALAR_INPUT, _ARRAY = range(4)
# how an op touches a line: reads it; reads and rewrites it (a += b); overwrites part of it, so
# reads it only because lines move whole (write-allocate); writes a fresh buffer (no read)
READ, UPDATE, OVERWRITE, FRESH = range(4)
_ARRAY_KEYS = 1 << 52      # line keys of real addresses; scalar-input lines are negative, words are ids
_COMPUTING = frozenset(SCALAR_COST) | GUARDS
_NUMPY_INTS = (int, np.integer)
_FOREVER = 1 << 62


def _word_size(value: Any) -> int:
    size = getattr(value, "itemsize", None)
    return size if size is not None else SCALAR_BYTES.get(type(value), 8)


def _span(a: np.ndarray) -> tuple[int, int]:
    """(start, end) of the allocation ``a``'s data lives in (numpy's owner, or a torch storage)."""
    base = a
    while isinstance(base.base, np.ndarray):
        base = base.base
    owner = base.base
    if owner is None:
        start = base.__array_interface__["data"][0]
        return start, start + base.nbytes
    storage = getattr(owner, "untyped_storage", None)
    if storage is not None:         # a tensor's numpy view (torch front-end)
        s = storage()
        return s.data_ptr(), s.data_ptr() + s.nbytes()
    lo, hi = np.lib.array_utils.byte_bounds(base) if hasattr(np.lib, "array_utils") else np.byte_bounds(base)
    return lo, hi


def _lines(a: np.ndarray, line: int, shift: int) -> range | list[int]:
    """Keys of the lines ``a`` touches, in address order (a view touches only its own); ``shift``
    moves its allocation to its place in the analysis's own address space."""
    if a.size == 0:
        return range(0)
    ptr = a.__array_interface__["data"][0] + shift
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return range(_ARRAY_KEYS + ptr // line, _ARRAY_KEYS + (ptr + a.nbytes - 1) // line + 1)
    axes = [(n, s) for n, s in zip(a.shape, a.strides) if n > 1]
    axes.sort(key=lambda ax: -abs(ax[1]))
    span = a.itemsize
    if axes and axes[-1][1] == a.itemsize:          # innermost axis contiguous: runs of elements
        span = axes[-1][0] * a.itemsize
        axes = axes[:-1]
    starts = np.zeros(1, dtype=np.int64)
    for n, s in axes:
        starts = (starts[:, None] + np.arange(n, dtype=np.int64) * s).ravel()
    starts += ptr
    first, last = starts // line, (starts + span - 1) // line
    counts = last - first + 1
    if counts.max() <= 2:
        keys = np.unique(np.concatenate([first, last]))
    else:
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        keys = np.unique(np.repeat(first, counts) + offsets)
    return (keys + _ARRAY_KEYS).tolist()


def _line_numbers(keys: Any) -> Any:
    """Array line keys as indices into the per-line flags: a slice for a range, else an int64 array."""
    if isinstance(keys, range):
        return slice(keys.start - _ARRAY_KEYS, keys.stop - _ARRAY_KEYS)
    return np.asarray(keys, dtype=np.int64) - _ARRAY_KEYS


class _Simulation:
    """One pass over a trace through an LRU fast memory (see the module docstring)."""

    def __init__(self, trace: Trace, fast_memory: int, line: int, bulk: bool = True) -> None:
        self.trace, self.capacity, self.line = trace, fast_memory, line
        self.values = trace.values          # record id -> value (reading one record's tuple is dearer)
        self.lru: OrderedDict[int, int] = OrderedDict()    # key -> owner id (lines) or size (words)
        self.dirty: set[int] = set()
        # lines of arrays are numbered 0.. in the analysis's own address space (key - _ARRAY_KEYS), so
        # what is known of each is a flag in an array; words and scalar-input lines are kept by key
        self.seen: set[int] = set()         # scalar-input line keys ever in fast memory
        self.pending: dict[int, tuple[int, int]] = {}  # words, scalar-input lines written out: key -> (owner, size)
        self.used = 0
        self.now = 0
        self.reading: set[int] = set()      # storages the current op reads
        self.reads = self.writes = 0
        self.kinds = dict.fromkeys(KINDS, 0)
        self.moved: dict[int, list[int]] = {}
        self.lines_of: dict[int, Any] = {}
        self.bulk = bulk            # False: every line one by one (the reference the tests compare with)
        self._index()
        lines = self.top // line
        self.seen_lines = np.zeros(lines, dtype=bool)      # array lines ever in fast memory
        self.pending_lines = np.zeros(lines, dtype=bool)   # array lines written out: a spill if read back

    # ---- pass 1: what each record is, where it lives, when its storage is last touched ----
    def _index(self) -> None:
        line = self.line
        n = len(self.trace)
        kind = [_FREE] * n
        store = list(range(n))          # storage id: a word is its own; an array, its allocation's first record
        last = list(range(n))
        scalar_key: dict[int, int] = {}
        line_owner: dict[int, int] = {}
        by_start: dict[int, int] = {}
        span: dict[int, tuple[int, int]] = {}       # storage -> (start, end) in the analysis's addresses
        shift: dict[int, int] = {}                  # storage -> what moves a real address there
        vbase = 0
        inputs: set[int] = set()
        names = self.trace.input_names
        offset, top = 0, None
        ndarray, computing = np.ndarray, _COMPUTING
        extent: dict[int, int] = {}     # allocation start -> the furthest end any array there reaches
        for value in self.values:
            if type(value) is ndarray:
                start, end = _span(value)
                extent[start] = max(end, extent.get(start, end))
        t = self.trace
        extras, wide = t.extras, t.wide
        for i, (code, a, b, value) in enumerate(zip(t.ops, t.src0, t.src1, t.values)):   # the columns
            op, extra = OPS[code], extras.get(i)
            srcs = (a, b) if b >= 0 else (a,) if a >= 0 else () if a == NONE else wide[i]
            if type(value) is ndarray:
                kind[i] = _ARRAY
                start = _span(value)[0]
                end = extent[start]
                st = by_start.setdefault(start, i)
                store[i] = st
                if st == i:             # each allocation starts a line of its own, in trace order:
                    shift[i] = vbase - start        # figures do not depend on where malloc put it
                    span[i] = (vbase, vbase + end - start)
                    vbase += -(-(end - start) // line) * line + line
                    if op is Op.INPUT or op is Op.CONST:
                        inputs.add(i)
                last[st] = i
            elif extra is not None:
                if value is not None and not isinstance(value, (tuple, list)):
                    kind[i] = _WORD
            elif op in computing:
                if value is not None:
                    kind[i] = _WORD
            elif op is Op.INPUT and value is not None:
                kind[i] = _SCALAR_INPUT
                name = names.get(i, "").split("[", 1)[0]
                if name != top:             # each input starts on a new line
                    top, offset = name, -(-offset // line) * line
                key = -1 - offset // line
                scalar_key[i] = key
                line_owner.setdefault(key, i)
                offset += _word_size(value)
            for s in srcs:
                last[store[s]] = i
        kept = {store[o] for o in self.trace.outputs} | inputs     # never dropped: results, the caller's memory
        self.kind, self.store, self.last, self.kept = kind, store, last, kept
        self.scalar_key, self.line_owner, self.span, self.inputs = scalar_key, line_owner, span, inputs
        self.shift = shift
        self.top = vbase            # the end of the analysis's address space

    # ---- accounting ----
    def _count(self, kind: str | None, owner: int, nbytes: int, write: bool) -> None:
        """Bytes moved; a write-back's kind (``None``) is decided later: spill if read back."""
        if kind is not None:
            self.kinds[kind] += nbytes
        m = self.moved.get(owner)
        if m is None:
            m = self.moved[owner] = [0, 0]
        if write:
            self.writes += nbytes
            m[1] += nbytes
        else:
            self.reads += nbytes
            m[0] += nbytes

    def _read_kind(self, key: int, owner: int, mode: int = READ) -> str:
        """Data coming in from slow memory: for the first time (cold); input data again (reuse);
        computed data its op consumes, back after being written out (spill, and so was the write);
        a line read back only to overwrite part of it (reuse: the line was not kept)."""
        again = "spill" if mode != OVERWRITE else "reuse"
        if key >= _ARRAY_KEYS:
            n = key - _ARRAY_KEYS
            if self.pending_lines[n]:
                self.pending_lines[n] = False
                self.kinds[again] += self.line
                return again
            if not self.seen_lines[n]:
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

    def _write_back(self, key: int, owner: int, size: int) -> None:
        """A dirty line or word leaves fast memory: written out unless its data is dead."""
        if self._live(owner):
            self._count(None, owner, size, True)
            if key >= _ARRAY_KEYS:
                self.pending_lines[key - _ARRAY_KEYS] = True
            else:
                self.pending[key] = (owner, size)

    def _live(self, owner: int) -> bool:
        """Whether ``owner``'s data is still needed after the current op (or is a result)."""
        last = self.last[owner]
        return last > self.now or owner in self.kept or (last == self.now and owner in self.reading)

    def _write_backs(self, items: list[tuple[int, Any]]) -> None:
        """``_write_back`` for each (key, lru value) of dirty data leaving fast memory, in bulk."""
        if not items:
            return
        line, live = self.line, self._live
        pairs = np.array(items, dtype=np.int64)
        if pairs[:, 0].min() >= _ARRAY_KEYS:        # array lines only: their owners decide, in numpy
            owners, which = np.unique(pairs[:, 1], return_inverse=True)
            alive = np.array([live(o) for o in owners.tolist()], dtype=bool)
            counts = np.bincount(which, minlength=len(owners))
            for owner, count in zip(owners[alive].tolist(), counts[alive].tolist()):
                self._count(None, owner, count * line, True)
            self.pending_lines[pairs[alive[which], 0] - _ARRAY_KEYS] = True
            return
        bytes_of: dict[int, int] = {}       # live owner -> bytes written
        dead: set[int] = set()
        lines: list[int] = []
        for key, v in items:
            size, owner = (v, key) if 0 <= key < _ARRAY_KEYS else (line, v)
            if owner in dead:
                continue
            if owner not in bytes_of:
                if not live(owner):
                    dead.add(owner)
                    continue
                bytes_of[owner] = 0
            bytes_of[owner] += size
            if key >= _ARRAY_KEYS:
                lines.append(key)
            else:
                self.pending[key] = (owner, size)
        for owner, nbytes in bytes_of.items():
            self._count(None, owner, nbytes, True)
        if lines:
            self.pending_lines[np.array(lines, dtype=np.int64) - _ARRAY_KEYS] = True

    def _evict(self) -> None:
        lru, dirty, line = self.lru, self.dirty, self.line
        while self.used > self.capacity and lru:
            key, v = lru.popitem(last=False)
            if 0 <= key < _ARRAY_KEYS:
                size, owner = v, key
            else:
                size, owner = line, v
            self.used -= size
            if key in dirty:
                dirty.discard(key)
                self._write_back(key, owner, size)

    # ---- touching data ----
    def _word(self, s: int) -> None:
        """Read the computed scalar ``s`` (a spill read if it was evicted)."""
        lru = self.lru
        if s in lru:
            lru.move_to_end(s)
            return
        size = _word_size(self.values[s])
        written = self.pending.pop(s, None)
        if written is not None:
            self.kinds["spill"] += written[1]
        self._count("spill", s, size, False)
        lru[s] = size
        self.used += size
        if self.used > self.capacity:
            self._evict()

    def _new_word(self, i: int, value: Any) -> None:
        size = _word_size(value)
        self.lru[i] = size
        self.dirty.add(i)
        self.used += size
        if self.used > self.capacity:
            self._evict()

    def _key(self, key: int, owner: int, mode: int = READ) -> None:
        """Touch one line (``mode``: READ, UPDATE, OVERWRITE or FRESH)."""
        lru = self.lru
        if key in lru:
            lru.move_to_end(key)
            if mode:
                lru[key] = owner
                self.dirty.add(key)
            return
        if mode != FRESH:
            self._read_miss(key, owner, mode)
        if key >= _ARRAY_KEYS:
            self.seen_lines[key - _ARRAY_KEYS] = True
        else:
            self.seen.add(key)
        lru[key] = owner
        self.used += self.line
        if mode:
            self.dirty.add(key)
        if self.used > self.capacity:
            self._evict()

    def _keys(self, i: int) -> Any:
        keys = self.lines_of.get(i)
        if keys is None:
            keys = self.lines_of[i] = _lines(self.values[i], self.line, self.shift[self.store[i]])
        return keys

    def _region(self, i: int, mode: int = READ) -> None:
        self._walk([(self._keys(i), self.store[i], mode)])

    def _walk(self, regions: list[tuple[Any, int, int]]) -> None:
        """Touch ``(keys, owner, mode)`` regions in step, as a streaming kernel walks its
        operands and its result together; the part past the first M bytes in bulk."""
        which = None
        room = self.capacity // self.line
        sizes = [len(r[0]) for r in regions]
        if len(regions) == 1:
            seq: Any = regions[0][0]
        elif sum(sizes) <= room // 2:           # a small op: its order inside fast memory hardly matters
            for region in regions:
                if region[2] == FRESH:
                    self._fresh(*region[:2])
                else:
                    self._walk([region])
            return
        else:
            times = np.concatenate([(np.arange(n) + 0.5) / n for n in sizes])
            order = np.argsort(times, kind="stable")
            seq = np.concatenate([np.arange(r[0].start, r[0].stop) if isinstance(r[0], range)
                                  else np.asarray(r[0], dtype=np.int64) for r in regions])[order]
            which = np.repeat(np.arange(len(regions)), sizes)[order]
        # allocations never share a line (each starts its own): regions of distinct owners are disjoint
        streamed = self.bulk and len(seq) >= 2 * room and len({r[1] for r in regions}) == len(regions)
        head = seq[:room] if streamed else seq
        head = head.tolist() if isinstance(head, np.ndarray) else head
        heads = None if which is None else which[:len(head)]
        heads = heads.tolist() if isinstance(heads, np.ndarray) else heads
        if self.bulk and (streamed or len(set(head)) == len(head)):
            for start in range(0, len(head), room):     # up to M bytes at a time: see _touch
                self._touch(head[start:start + room], None if heads is None else heads[start:start + room],
                            regions)
        else:
            self._touch_lines(head, heads, regions)
        if streamed:
            self._stream(np.asarray(seq, dtype=np.int64), which, regions, room)

    def _touch_lines(self, keys: Any, which: list[int] | None, regions: list[tuple[Any, int, int]]) -> None:
        """Touch lines one by one (any sequence, repeated keys included): the model's definition."""
        lru, dirty, touch = self.lru, self.dirty, self._key
        _, owner, mode = regions[0]
        for k, key in enumerate(keys):          # hits inlined
            if which is not None:
                _, owner, mode = regions[which[k]]
            if key in lru:
                lru.move_to_end(key)
                if mode:
                    lru[key] = owner
                    dirty.add(key)
            else:
                touch(key, owner, mode)

    def _touch(self, keys: Any, which: list[int] | None, regions: list[tuple[Any, int, int]]) -> None:
        """What ``_touch_lines`` does to distinct array line ``keys`` (at most M bytes), in bulk.

        Touching at most M bytes evicts only data resident before it (what it inserts or moves
        is younger than everything older, and it cannot push out more than was there), so a
        resident line is a hit unless the misses before it have pushed it out; one pass over
        the resident lines in the order they are touched decides which, and the rest is done a
        region at a time: reads classified as ``_read_kind`` would, lines inserted in touch order.
        """
        lru, line, capacity = self.lru, self.line, self.capacity
        n = len(keys)
        resident = [p for p, key in enumerate(keys) if key in lru] if lru else []
        hits: set[int] = set()
        evicted: list[tuple[int, Any]] = []
        freed = 0
        if resident or self.used + n * line > capacity:
            order = None
            if self.used + n * line - capacity > 512 * line:        # many evictions: find them in numpy
                order = np.fromiter(lru, dtype=np.int64, count=len(lru))      # oldest first
                if np.any((order >= 0) & (order < _ARRAY_KEYS)):
                    order = None
            if order is None:       # few evictions, or words (of any size) resident: one at a time
                freed = self._evictions_by_size(keys, resident, hits, evicted)
            else:
                self._evictions_by_count(keys, resident, order, hits, evicted)
                freed = len(evicted) * line
        old = {key: lru.pop(key) for key in hits}
        if evicted:
            dirty = self.dirty
            gone = [key for key, _ in evicted]
            deque(map(lru.__delitem__, gone), maxlen=0)         # (a loop in C)
            self.used -= freed
            leaving = [kv for kv in evicted if kv[0] in dirty]
            dirty.difference_update(kv[0] for kv in leaving)
            self._write_backs(leaving)
        if which is None:
            groups = [(keys, regions[0])]
        else:
            parts: list[list[int]] = [[] for _ in regions]
            for key, r in zip(keys, which):
                parts[r].append(key)
            groups = [(part, regions[r]) for r, part in enumerate(parts) if part]
        for part, (_, owner, mode) in groups:
            missed = [key for key in part if key not in old] if old else part
            if len(missed):
                at = _line_numbers(missed)
                if mode != FRESH:
                    self._read_bulk(at, owner, mode)
                self.seen_lines[at] = True
            if mode:
                self.dirty.update(part)
        if which is None:
            owner, mode = regions[0][1], regions[0][2]
            owners: list[Any] = [old.get(key, owner) for key in keys] if old and mode == READ else [owner] * n
        else:
            owners = [old[key] if key in old and regions[r][2] == READ else regions[r][1]
                      for key, r in zip(keys, which)] if old else [regions[r][1] for r in which]
        lru.update(zip(keys, owners))       # in touch order: the last touched is the youngest
        self.used += (n - len(hits)) * line

    def _evictions_by_count(self, keys: Any, resident: list[int], order: np.ndarray, hits: set[int],
                            evicted: list[tuple[int, Any]]) -> None:
        """Hits and evictions of ``_touch`` when only lines are resident: after m misses the
        oldest ``used/line + m - room`` lines not touched since have left, so a resident line
        of rank r (0 = oldest) is still there at its touch unless that count reaches r + 1 less
        the lines older than it touched before (they moved out of the way)."""
        lru, room = self.lru, self.capacity // self.line
        held = self.used // self.line
        rank = {key: r for r, key in enumerate(order.tolist())} if resident else {}
        hit_ranks: list[int] = []          # sorted
        for p in resident:
            key = keys[p]
            r = rank[key]
            gone = held + (p - len(hits)) - room            # evictions before position p
            if gone < r + 1 - bisect_left(hit_ranks, r):
                hits.add(key)
                insort(hit_ranks, r)
        count = held + (len(keys) - len(hits)) - room
        if count > 0:
            if hit_ranks:
                keep = np.zeros(len(order), dtype=bool)
                keep[hit_ranks] = True
                leaving = order[~keep][:count]
            else:
                leaving = order[:count]
            evicted.extend((key, lru[key]) for key in leaving.tolist())

    def _evictions_by_size(self, keys: Any, resident: list[int], hits: set[int],
                           evicted: list[tuple[int, Any]]) -> int:
        """Hits and evictions of ``_touch`` one eviction at a time (words of any size resident);
        returns the bytes evicted."""
        lru, line, capacity, used = self.lru, self.line, self.capacity, self.used
        n = len(keys)
        gone: set[int] = set()
        oldest = iter(lru.items())
        freed = 0
        for p in resident + [n]:
            need = used + (p - len(hits)) * line - capacity     # the misses before position p
            while freed < need:
                key, v = next(oldest)
                if key in hits:
                    continue                # touched already: no longer among the oldest
                evicted.append((key, v))
                gone.add(key)
                freed += v if 0 <= key < _ARRAY_KEYS else line
            if p < n and keys[p] not in gone:
                hits.add(keys[p])
        return freed

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

    def _fresh(self, keys: Any, owner: int) -> None:
        """A new buffer smaller than fast memory: its lines were never anywhere, so none is read."""
        lru = self.lru
        if any(key in lru for key in keys[:1]):     # (an allocation's lines are new; be safe)
            self._walk([(keys, owner, OVERWRITE)])
            return
        lru.update(dict.fromkeys(keys, owner))
        self.dirty.update(keys)
        if len(keys):
            self.seen_lines[_line_numbers(keys)] = True
        self.used += len(keys) * self.line
        if self.used > self.capacity:
            self._evict()

    def _stream(self, seq: np.ndarray, which: np.ndarray | None, regions: list[tuple[Any, int, int]],
                room: int) -> None:
        """The rest of a walk longer than twice fast memory: every line past the first ``room`` is a
        miss, so in bulk: what is resident leaves, the middle passes through, the last ``room`` stay."""
        lru, line = self.lru, self.line
        leaving = [kv for kv in lru.items() if kv[0] in self.dirty]
        self.dirty.clear()
        lru.clear()
        self._write_backs(leaving)
        n = len(seq)
        for r, (_, owner, mode) in enumerate(regions):
            write = mode != READ
            if which is None:
                middle, tail = seq[room:n - room], seq[n - room:]
            else:
                middle = seq[room:n - room][which[room:n - room] == r]
                tail = seq[n - room:][which[n - room:] == r]
            passing = np.concatenate([middle, tail]) - _ARRAY_KEYS
            if mode != FRESH:
                self._read_bulk(passing, owner, mode)
            self.seen_lines[passing] = True
            if write and len(middle) and self._live(owner):
                self._count(None, owner, len(middle) * line, True)
                self.pending_lines[middle - _ARRAY_KEYS] = True
            if write:
                self.dirty.update(tail.tolist())
        owners = [r[1] for r in regions]
        tail_owners = [owners[0]] * room if which is None else [owners[w] for w in which[n - room:].tolist()]
        lru.update(zip(seq[n - room:].tolist(), tail_owners))
        self.used = room * line

    def _read(self, s: int) -> None:
        k = self.kind[s]
        if k == _WORD:
            self._word(s)
        elif k == _ARRAY:
            self._region(s)
        elif k == _SCALAR_INPUT:
            key = self.scalar_key[s]
            self._key(key, self.line_owner[key])

    def _drop(self, st: int) -> None:
        """Storage ``st`` is dead: its lines leave fast memory without being written back."""
        if st in self.kept:
            return
        lru, dirty = self.lru, self.dirty
        if self.kind[st] != _ARRAY:
            size = lru.pop(st, None)
            if size is not None:
                self.used -= size
                dirty.discard(st)
            return
        start, end = self.span[st]
        first, last = _ARRAY_KEYS + start // self.line, _ARRAY_KEYS + (end - 1) // self.line
        keys = range(first, last + 1) if last - first < len(lru) else \
            [k for k in lru if first <= k <= last]
        for key in keys:
            if lru.get(key, -1) == st:
                del lru[key]
                self.used -= self.line
                dirty.discard(key)

    # ---- pass 2 ----
    def run(self) -> Traffic:
        kind, last, store = self.kind, self.last, self.store
        lru, dirty, kept = self.lru, self.dirty, self.kept
        t = self.trace
        computing = bytes(op in _COMPUTING for op in OPS)   # by op code
        extras, wide = t.extras, t.wide
        sizes = SCALAR_BYTES                # what _word_size says of Python numbers
        for i, (code, a, b, value) in enumerate(zip(t.ops, t.src0, t.src1, t.values)):   # the columns
            self.now = i
            srcs = (a, b) if b >= 0 else (a,) if a >= 0 else () if a == NONE else wide[i]
            extra = extras.get(i)
            if extra is None:
                if not computing[code]:
                    continue
                for s in srcs:                  # the scalar hot path: words, inlined
                    if kind[s] == _WORD:
                        if s in lru:
                            lru.move_to_end(s)
                        else:
                            self._word(s)
                    else:
                        self._read(s)
                if value is not None:           # _new_word, inlined
                    size = sizes.get(type(value)) or _word_size(value)
                    lru[i] = size
                    dirty.add(i)
                    self.used += size
                    if self.used > self.capacity:
                        self._evict()
                for s in srcs:
                    if last[store[s]] == i:
                        self._drop(store[s])
                if last[i] == i and i not in kept:  # a result no one reads: _drop of a word, inlined
                    size = lru.pop(i, None)
                    if size is not None:
                        self.used -= size
                        dirty.discard(i)
                continue
            op = OPS[code]
            self._array_op(i, op, srcs, value, extra)
            for st in {store[s] for s in srcs} | {store[i]}:
                if last[st] == i:
                    self._drop(st)
        self.now = _FOREVER
        written: dict[int, int] = {}        # results reach slow memory at the end: owner -> bytes
        for key in self.dirty:
            v = lru[key]
            size, owner = (v, key) if 0 <= key < _ARRAY_KEYS else (self.line, v)
            written[owner] = written.get(owner, 0) + size
        for owner, size in written.items():
            self._count("result" if owner in self.kept else "spill", owner, size, True)
        self.dirty.clear()
        for owner, size in self.pending.values():    # written out and never read back
            self.kinds["result" if owner in self.kept else "spill"] += size
        for st, (start, end) in self.span.items():
            lines = np.count_nonzero(self.pending_lines[start // self.line:-(-end // self.line)])
            self.kinds["result" if st in self.kept else "spill"] += int(lines) * self.line
        return Traffic(self.capacity, self.line, self.reads, self.writes, MappingProxyType(dict(self.kinds)),
                       MappingProxyType({k: (v[0], v[1]) for k, v in sorted(self.moved.items())}))

    def _array_op(self, i: int, op: Op, srcs: tuple[int, ...], value: Any, extra: Any) -> None:
        kind, store = self.kind, self.store
        name = extra[4]
        if op is Op.GETITEM and (name.startswith("getitem[") or name == "view"):
            if kind[i] == _ARRAY and store[i] == i:     # one output of a multi-output op: written now
                self._region(i, FRESH)
            elif kind[i] == _WORD:
                self._new_word(i, value)
            return
        if op is Op.SETITEM:
            self._setitem(i, srcs)
            return
        if op is Op.ALLOC and name == "empty_like":
            return                                  # allocated, not written
        if kind[i] == _ARRAY and store[i] != i:
            if not srcs or self.values[srcs[-1]] is not value:
                return                              # a view of an operand: no data moves
            target = srcs[-1]                       # written in place (out=): read the others
            mode = UPDATE if target in srcs[:-1] else OVERWRITE
            self._kernel(i, [s for s in dict.fromkeys(srcs[:-1]) if s != target], (self._keys(i), store[i], mode))
            return
        if op is Op.GETITEM and srcs and kind[srcs[0]] == _ARRAY:
            self._getitem(i, srcs, value)
            return
        result = (self._keys(i), i, FRESH) if kind[i] == _ARRAY else None
        self._kernel(i, list(dict.fromkeys(srcs)), result)
        if kind[i] == _WORD:
            self._new_word(i, value)

    def _kernel(self, i: int, reads: list[int], result: tuple[Any, int, int] | None) -> None:
        """One op: scalar operands first, then its array operands and result walked in step."""
        kind, store = self.kind, self.store
        self.reading = {store[s] for s in reads}
        regions = []
        for s in reads:
            if kind[s] == _ARRAY:
                regions.append((self._keys(s), store[s], READ))
            else:
                self._read(s)
        if result is not None:
            regions.append(result)
        if regions:
            self._walk(regions)
        self.reading = set()

    def _index_of(self, srcs: tuple[int, ...], arr: np.ndarray) -> tuple[int, ...] | None:
        """The integer index the key records spell, or None (a slice or array index is not recorded)."""
        index = []
        for s in srcs:
            v = self.values[s]
            if not isinstance(v, _NUMPY_INTS) or isinstance(v, (bool, np.bool_)):
                return None
            index.append(int(v))
        return tuple(index) if len(index) <= arr.ndim else None

    def _element_key(self, arr: np.ndarray, index: tuple[int, ...], shift: int) -> int:
        ptr = arr.__array_interface__["data"][0] + shift
        for k, (n, stride) in enumerate(zip(arr.shape, arr.strides)):
            if k < len(index):
                ptr += (index[k] % n) * stride
        return _ARRAY_KEYS + ptr // self.line

    def _getitem(self, i: int, srcs: tuple[int, ...], value: Any) -> None:
        """A materialized read of part of an array: one element, or a gather."""
        arr = self.values[srcs[0]]
        index = self._index_of(srcs[1:], arr)
        for s in srcs[1:]:
            self._read(s)
        if index is not None and len(index) == arr.ndim and self.kind[i] == _WORD:
            st = self.store[srcs[0]]
            self._key(self._element_key(arr, index, self.shift[st]), st)
        else:
            nbytes = value.nbytes if isinstance(value, np.ndarray) else _word_size(value)
            self._count("unplaced", self.store[srcs[0]], nbytes, False)
        if self.kind[i] == _ARRAY:
            self._region(i, FRESH)
        elif self.kind[i] == _WORD:
            self._new_word(i, value)

    def _setitem(self, i: int, srcs: tuple[int, ...]) -> None:
        """``a[key] = x``: srcs are (a, *key parts, x); only integer key parts are recorded."""
        kind, store = self.kind, self.store
        target = srcs[0]
        arr = self.values[target]
        x = srcs[-1] if len(srcs) > 1 else None
        xv = self.values[x] if x is not None else None
        if isinstance(xv, np.ndarray) and kind[x] == _ARRAY and store[x] == store[target] and x != target:
            return      # a[s] op= y: numpy wrote the view in place already, then assigns it to itself
        if x is not None:
            self._read(x)
        index = self._index_of(srcs[1:-1], arr)
        owner = store[target]
        shift = self.shift[owner]
        if index is not None and len(index) == arr.ndim:
            self._key(self._element_key(arr, index, shift), owner, OVERWRITE)
            return
        part = arr[index] if index is not None else None
        if part is not None and (not isinstance(xv, np.ndarray) or xv.size >= part.size):
            keys = _lines(part, self.line, shift) if isinstance(part, np.ndarray) else \
                [self._element_key(arr, index, shift)]
            self._walk([(keys, owner, OVERWRITE)])
            return
        nbytes = xv.nbytes if isinstance(xv, np.ndarray) else arr.itemsize
        self._count("unplaced", owner, nbytes, True)


def traffic(trace: Trace, fast_memory: int = DEFAULT_FAST_MEMORY, line: int = DEFAULT_LINE,
            bulk: bool = True) -> Traffic:
    """Bytes ``trace`` moves between slow memory and a fast memory of ``fast_memory`` bytes.
    ``bulk=False`` simulates every record and touches every line one by one (no closed form of a
    scalar trace, ``analyzer.scalar_traffic``): slower, the same figures (tests compare them)."""
    if isinstance(line, bool) or not isinstance(line, int) or line <= 0:
        raise ValueError(f"the line size must be a positive whole number of bytes, not {line!r}")
    if isinstance(fast_memory, bool) or not isinstance(fast_memory, int) or fast_memory < line:
        raise ValueError(f"fast memory must be a whole number of bytes, at least one {line}-byte line; "
                         f"not {fast_memory!r}")
    if bulk:
        from analyzer.scalar_traffic import scalar_traffic
        fits = scalar_traffic(trace, fast_memory, line)
        if fits is not None:
            return fits
    return _Simulation(trace, fast_memory, line, bulk).run()
