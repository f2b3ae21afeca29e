"""Pass 2 of the traffic simulation: what each op of the trace touches, in order.

``Simulation`` walks the trace; a subclass keeps the fast memory: ``LineByLine``
(``analyzer.traffic.lines``, the definition, one line at a time) or ``Bulk``
(``analyzer.traffic.bulk``, the same figures, many lines per numpy call). Both keep words (computed
scalars) in ``self.lru``, an ordered dict, oldest first, so the scalar hot path here is theirs alike.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from analyzer.array_summary import address, is_array
from analyzer.ops import Op
from analyzer.recorder import COMPILED
from analyzer.trace import NONE, OPS, WIDE, Trace
from analyzer.traffic.accounting import FOREVER, FRESH, OVERWRITE, READ, UPDATE, Accounting, Traffic
from analyzer.traffic.layout import ARRAY, ARRAY_KEYS, SCALAR_INPUT, WORD, WORD_SIZES, index, lines, word_size
from analyzer.traffic.plan import CHUNK, ELEMENT, NO, SCALAR, Plan

_NUMPY_INTS = (int, np.integer)


class Simulation(Accounting):
    """One pass over a trace through an LRU fast memory (see ``analyzer.traffic``)."""
    recycles = True     # whether dead allocations' lines go to later ones (``analyzer.traffic.placement``)

    def __init__(self, trace: Trace, fast_memory: int, line: int) -> None:
        super().__init__(index(trace, line, self.recycles), fast_memory, line)
        self.trace, self.values = trace, trace.values
        self.kind, self.store = self.layout.kind, self.layout.store
        self.scalar_key, self.line_owner = self.layout.scalar_key, self.layout.line_owner
        self.lru: OrderedDict[int, int] = OrderedDict()    # words: key -> size (and what the memory adds)
        self.dirty: set[int] = set()                        # dirty keys of lru
        self.used = 0
        self.lines_of: dict[int, Any] = {}
        self.elements: dict[int, tuple[int, tuple[tuple[int, int], ...]]] = {}  # array -> (address, axes)

    # ---- what a fast memory provides ----
    def _key(self, key: int, owner: int, mode: int = READ) -> None:
        """Touch the scalar-input line ``key`` (``mode``: READ, UPDATE, OVERWRITE or FRESH)."""
        raise NotImplementedError

    def _line(self, n: int, owner: int, mode: int = READ) -> None:
        """Touch array line ``n``."""
        raise NotImplementedError

    def _evict(self) -> None:
        """Least recently used data out until ``used`` fits."""
        raise NotImplementedError

    def _touch_walk(self, seq: Any, which: np.ndarray | None, regions: list[tuple[Any, int, int]]) -> None:
        """Touch the line numbers ``seq`` in order; ``which`` names each one's region (None: one region)."""
        raise NotImplementedError

    def _drop_lines(self, st: int, first: int, last: int) -> None:
        """Lines ``first..last`` of dead storage ``st`` leave without being written back."""
        raise NotImplementedError

    def _dirty_lines(self) -> dict[int, int]:
        """Owner -> bytes of array lines still dirty at the end."""
        raise NotImplementedError

    # ---- words ----
    def _word(self, s: int) -> None:
        """Read the computed scalar ``s`` (a spill read if it was evicted)."""
        lru = self.lru
        if s in lru:
            lru.move_to_end(s)
            return
        size = word_size(self.values[s])
        written = self.pending.pop(s, None)
        if written is not None:
            self.kinds["spill"] += written[1]
        self._count("spill", s, size, False)
        lru[s] = size
        self.used += size
        if self.used > self.capacity:
            self._evict()

    def _new_word(self, i: int, value: Any) -> None:
        size = word_size(value)
        self.lru[i] = size
        self.dirty.add(i)
        self.used += size
        if self.used > self.capacity:
            self._evict()

    def _read(self, s: int) -> None:
        k = self.kind[s]
        if k == WORD:
            self._word(s)
        elif k == ARRAY:
            self._region(s)
        elif k == SCALAR_INPUT:
            key = self.scalar_key[s]
            self._key(key, self.line_owner[key])

    def _drop(self, st: int) -> None:
        """Storage ``st`` is dead: its data leaves fast memory without being written back."""
        if st in self.kept:
            return
        if self.kind[st] != ARRAY:
            size = self.lru.pop(st, None)
            if size is not None:
                self.used -= size
                self.dirty.discard(st)
            return
        start, end = self.layout.span[st]
        self._drop_lines(st, start // self.line, (end - 1) // self.line)
        if st in self.layout.released:
            self._settle(st)

    # ---- arrays ----
    def _keys(self, i: int) -> Any:
        keys = self.lines_of.get(i)
        if keys is None:
            keys = self.lines_of[i] = lines(self.values[i], self.line, self.layout.shift[self.store[i]])
        return keys

    def _region(self, i: int, mode: int = READ) -> None:
        self._walk([(self._keys(i), self.store[i], mode)])

    def _walk(self, regions: list[tuple[Any, int, int]]) -> None:
        """Touch ``(line numbers, owner, mode)`` regions in step, as a streaming kernel walks its
        operands and its result together; a small op (at most half of fast memory) a region at a
        time: its order inside fast memory hardly matters."""
        sizes = [len(r[0]) for r in regions]
        if len(regions) == 1:
            self._touch_walk(regions[0][0], None, regions)
        elif sum(sizes) <= self.capacity // self.line // 2:
            for region in regions:
                self._touch_walk(region[0], None, [region])
        else:
            parts = [np.arange(r[0].start, r[0].stop, dtype=np.int64) if isinstance(r[0], range)
                     else np.asarray(r[0], dtype=np.int64) for r in regions]
            if len(set(sizes)) == 1:            # in step: one line of each region in turn
                seq = np.stack(parts, axis=1).ravel()
                which = np.tile(np.arange(len(regions)), sizes[0])
            else:                               # the i-th of n lines at time (i + 1/2) / n
                times = np.concatenate([(np.arange(n) + 0.5) / n for n in sizes])
                order = np.argsort(times, kind="stable")
                seq = np.concatenate(parts)[order]
                which = np.repeat(np.arange(len(regions)), sizes)[order]
            self._touch_walk(seq, which, regions)

    # ---- the pass ----
    def run(self) -> Traffic:
        self._walk_trace()
        self.now = FOREVER
        lru = self.lru
        written = self._dirty_lines()       # results reach slow memory at the end: owner -> bytes
        for key in self.dirty:
            if key < ARRAY_KEYS:
                size, owner = (lru[key], key) if key >= 0 else (self.line, lru[key])
                written[owner] = written.get(owner, 0) + size
        self.dirty.clear()
        return self._finish(written)

    def _walk_trace(self) -> None:
        """Every record in turn: the scalar ones the plan (``analyzer.traffic.plan``) marks in a
        loop of their own, the rest through ``_record``."""
        if COMPILED:
            return self._walk_compiled()
        lru, dirty, line_owner = self.lru, self.dirty, self.line_owner
        t, capacity = self.trace, self.capacity
        sizes = WORD_SIZES                  # what word_size says of Python numbers and numpy scalars
        plan = Plan(self.layout, t)
        # the scalar hot path: ``_read``, ``_new_word`` and ``_drop`` of words and input lines,
        # inlined; it sets ``self.now`` only before calling a method (hits need no clock)
        for start in range(0, len(t), CHUNK):
            stop = min(start + CHUNK, len(t))
            for i, mode, x0, x1, dead, value in zip(range(start, stop), *plan.chunk(start, stop),
                                                   t.values[start:stop]):
                if mode != SCALAR:
                    if mode:
                        self.now = i
                        self._element(i, value) if mode == ELEMENT else self._record(i, value)
                    continue
                if x0 != NO:
                    if x0 in lru:
                        lru.move_to_end(x0)
                    else:
                        self.now = i
                        self._word(x0) if x0 >= 0 else self._key(x0, line_owner[x0])
                if x1 != NO:
                    if x1 in lru:
                        lru.move_to_end(x1)
                    else:
                        self.now = i
                        self._word(x1) if x1 >= 0 else self._key(x1, line_owner[x1])
                if value is not None:
                    size = sizes.get(type(value)) or word_size(value)
                    lru[i] = size
                    dirty.add(i)
                    self.used += size
                    if self.used > capacity:
                        self.now = i
                        self._evict()
                if dead:                        # words that die here leave without a write-back
                    if dead & 1:
                        size = lru.pop(x0, None)
                        if size is not None:
                            self.used -= size
                            dirty.discard(x0)
                    if dead & 2:
                        size = lru.pop(x1, None)
                        if size is not None:
                            self.used -= size
                            dirty.discard(x1)
                    if dead & 4:
                        size = lru.pop(i, None)
                        if size is not None:
                            self.used -= size
                            dirty.discard(i)

    def _walk_compiled(self) -> None:
        """``_walk_trace`` with the compiled recorder's ``walk`` doing the scalar records (those
        that only hit, and in a memory where ``_misses_in_c`` the rest, and element reads, too)
        and ``_step`` the one each time it stops at."""
        lru, t, plan = self.lru, self.trace, Plan(self.layout, self.trace)
        walk, move_to_end, pop = COMPILED.walk, lru.move_to_end, lru.pop
        ids = self.store if self.layout.arrays is not None else None    # (a scalar layout's: store[i] is i)
        for start in range(0, len(t), CHUNK):
            stop = min(start + CHUNK, len(t))
            modes, first, second, dead = plan.chunk(start, stop)
            values = t.values[start:stop]
            k = 0
            while True:
                k, self.used = walk(start, k, modes, first, second, dead, values, lru, move_to_end, pop, self.dirty,
                                    self.used, self.capacity, WORD_SIZES, SCALAR, NO, self, ELEMENT, ids)
                if k == stop - start:
                    break
                self._step(start + k, modes[k], first[k], second[k], dead[k], values[k])
                k += 1

    def _misses_in_c(self) -> bool:
        """Whether the compiled walk may do this memory's misses, evictions and element reads
        itself: a ``FastMemory`` whose methods are its own. The walk asks at its first need."""
        return False

    def _step(self, i: int, mode: int, x0: int, x1: int, dead: int, value: Any) -> None:
        """One record of ``_walk_trace``'s loop (which has this body inlined)."""
        if mode != SCALAR:
            if mode:
                self.now = i
                self._element(i, value) if mode == ELEMENT else self._record(i, value)
            return
        lru, dirty = self.lru, self.dirty
        for x in (x0, x1):
            if x != NO:
                if x in lru:
                    lru.move_to_end(x)
                else:
                    self.now = i
                    self._word(x) if x >= 0 else self._key(x, self.line_owner[x])
        if value is not None:
            size = WORD_SIZES.get(type(value)) or word_size(value)
            lru[i] = size
            dirty.add(i)
            self.used += size
            if self.used > self.capacity:
                self.now = i
                self._evict()
        for bit, key in ((1, x0), (2, x1), (4, i)):
            if dead & bit:                  # words that die here leave without a write-back
                size = lru.pop(key, None)
                if size is not None:
                    self.used -= size
                    dirty.discard(key)

    def _record(self, i: int, value: Any) -> None:
        """What record ``i`` (an op that moves data: a computing or an array op) touches and drops,
        the definition: ``_walk_trace`` inlines it for scalar ops of at most two sources."""
        t, last, store = self.trace, self.last, self.store
        a, b = t.src0[i], t.src1[i]
        srcs = (a, b) if b >= 0 else (a,) if a >= 0 else () if a == NONE else t.wide[i]
        extra = t.extras.get(i)
        if extra is None:
            for s in srcs:
                self._read(s)
            if value is not None:
                self._new_word(i, value)
            for s in srcs:
                st = store[s]
                if last[st] == i and st not in self.kept:
                    self._drop(st)
            if last[i] == i and i not in self.kept:     # a result no one reads (a word)
                size = self.lru.pop(i, None)
                if size is not None:
                    self.used -= size
                    self.dirty.discard(i)
            return
        self._array_op(i, OPS[t.ops[i]], srcs, value, extra)
        for s in srcs:                      # (dropping twice drops nothing the second time)
            if last[store[s]] == i:
                self._drop(store[s])
        if last[store[i]] == i:
            self._drop(store[i])

    def _element(self, i: int, value: Any) -> None:
        """``_record`` of a numpy getitem, for an element read ``a[i, j]`` with constant indices
        in one call (``_getitem``'s first case and ``_record``'s drops); the rest to ``_record``."""
        t, kind, values = self.trace, self.kind, self.values
        a = t.src0[i]
        srcs = t.wide[i] if a == WIDE else (a, t.src1[i]) if t.src1[i] >= 0 else (a,)
        s = srcs[0]
        if a == NONE or kind[s] != ARRAY or kind[i] != WORD:
            return self._record(i, value)
        at = self.elements.get(s)
        if at is None:
            arr = values[s]
            at = self.elements[s] = (address(arr) + self.layout.shift[self.store[s]],
                                     tuple(zip(arr.shape, arr.strides)))
        ptr, axes = at
        if len(srcs) - 1 != len(axes):
            return self._record(i, value)
        for k in range(1, len(srcs)):
            v = values[srcs[k]]
            if type(v) is not int or kind[srcs[k]]:      # an index that moves data, or not a plain int
                return self._record(i, value)
            n, stride = axes[k - 1]
            ptr += (v % n) * stride
        store, last = self.store, self.last
        self._line(ptr // self.line, store[s])
        self._new_word(i, value)
        for s in srcs:
            if last[store[s]] == i:
                self._drop(store[s])
        if last[i] == i:
            self._drop(i)

    def _array_op(self, i: int, op: Op, srcs: tuple[int, ...], value: Any, extra: Any) -> None:
        kind, store = self.kind, self.store
        name = extra[4]
        if op is Op.GETITEM and (name.startswith("getitem[") or name == "view"):
            if kind[i] == ARRAY and store[i] == i:      # one output of a multi-output op: written now
                self._region(i, FRESH)
            elif kind[i] == WORD:
                self._new_word(i, value)
            return
        if op is Op.SETITEM:
            self._setitem(i, srcs)
            return
        if op is Op.ALLOC and name in ("empty", "empty_like", "empty_strided"):
            return                                  # allocated, not written
        if kind[i] == ARRAY and store[i] != i:
            if not srcs or self.values[srcs[-1]] is not value:
                return                              # a view of an operand: no data moves
            target = srcs[-1]                       # written in place (out=): read the others
            mode = UPDATE if target in srcs[:-1] else OVERWRITE
            self._kernel([s for s in dict.fromkeys(srcs[:-1]) if s != target], (self._keys(i), store[i], mode))
            return
        if op is Op.GETITEM and srcs and kind[srcs[0]] == ARRAY:
            self._getitem(i, srcs, value)
            return
        self._kernel(list(dict.fromkeys(srcs)), (self._keys(i), i, FRESH) if kind[i] == ARRAY else None)
        if kind[i] == WORD:
            self._new_word(i, value)

    def _kernel(self, reads: list[int], result: tuple[Any, int, int] | None) -> None:
        """One op: scalar operands first, then its array operands and result walked in step."""
        kind, store = self.kind, self.store
        self.reading = {store[s] for s in reads}
        regions = []
        for s in reads:
            if kind[s] == ARRAY:
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
            if type(v) is not int and (not isinstance(v, _NUMPY_INTS) or isinstance(v, (bool, np.bool_))):
                return None
            index.append(int(v))
        return tuple(index) if len(index) <= arr.ndim else None

    def _element_line(self, s: int, index: tuple[int, ...]) -> int:
        """The line of element ``index`` of array record ``s``."""
        at = self.elements.get(s)
        if at is None:
            arr = self.values[s]
            at = self.elements[s] = (address(arr) + self.layout.shift[self.store[s]],
                                     tuple(zip(arr.shape, arr.strides)))
        ptr, axes = at
        for k, i in enumerate(index):
            n, stride = axes[k]
            ptr += (i % n) * stride
        return ptr // self.line

    def _getitem(self, i: int, srcs: tuple[int, ...], value: Any) -> None:
        """A materialized read of part of an array: one element, or a gather."""
        arr = self.values[srcs[0]]
        index = self._index_of(srcs[1:], arr)
        kind = self.kind
        for s in srcs[1:]:
            if kind[s]:                 # FREE (0): an index or a constant moves nothing
                self._read(s)
        if index is not None and len(index) == arr.ndim and kind[i] == WORD:
            self._line(self._element_line(srcs[0], index), self.store[srcs[0]])
        else:
            nbytes = value.nbytes if is_array(value) else word_size(value)
            self._count("unplaced", self.store[srcs[0]], nbytes, False)
        if self.kind[i] == ARRAY:
            self._region(i, FRESH)
        elif self.kind[i] == WORD:
            self._new_word(i, value)

    def _setitem(self, i: int, srcs: tuple[int, ...]) -> None:
        """``a[key] = x``: srcs are (a, *key parts, x); only integer key parts are recorded."""
        kind, store = self.kind, self.store
        target = srcs[0]
        arr = self.values[target]
        x = srcs[-1] if len(srcs) > 1 else None
        xv = self.values[x] if x is not None else None
        if is_array(xv) and kind[x] == ARRAY and store[x] == store[target] and x != target:
            return      # a[s] op= y: numpy wrote the view in place already, then assigns it to itself
        if x is not None:
            self._read(x)
        index = self._index_of(srcs[1:-1], arr)
        owner = store[target]
        if index is not None and len(index) == arr.ndim:
            self._line(self._element_line(target, index), owner, OVERWRITE)
            return
        part = arr[index] if index is not None else None
        if part is not None and (not is_array(xv) or xv.size >= part.size):
            keys = lines(part, self.line, self.layout.shift[owner]) if isinstance(part, np.ndarray) else \
                [self._element_line(target, index)]
            self._walk([(keys, owner, OVERWRITE)])
            return
        nbytes = xv.nbytes if is_array(xv) else arr.itemsize
        self._count("unplaced", owner, nbytes, True)
