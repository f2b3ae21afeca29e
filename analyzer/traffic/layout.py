"""Pass 1 of the traffic simulation: what each record is, where its data lives, when it dies.

Every allocation is placed on lines of its own in the analysis's own address space, in trace
order, so figures do not depend on where the allocator put it: array lines are numbered
0, 1, ... there (a line's key is ``ARRAY_KEYS`` + its number); a dead allocation's lines go to
later ones (``analyzer.traffic.placement``), so there are about as many as the live arrays need.
A scalar input's element takes its size within its input, and each input starts a new line
(negative keys); a computed scalar is a word of its own (its key is its record id).

>>> import numpy as np
>>> from analyzer.trace import Trace
>>> from analyzer.tracers import run
>>> t = Trace(); _ = run(lambda x: x + 1.0, {"x": np.zeros(16)}, t)
>>> layout = index(t, 64)
>>> layout.top, list(layout.span.values())          # x: two lines, then a line of padding
(384, [(0, 128), (192, 320)])
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analyzer.array_summary import ArraySummary, address, is_array
from analyzer.kernels import by_code
from analyzer.ops import GUARDS, SCALAR_COST, Op
from analyzer.passes.columns import TYPES, distinct
from analyzer.trace import CODE, NONE, OPS, SCALAR_BYTES, Trace
from analyzer.traffic.placement import place

FREE, WORD, SCALAR_INPUT, ARRAY = range(4)
ARRAY_KEYS = 1 << 52        # line keys of array lines; scalar-input lines are negative, words are ids
COMPUTING = frozenset(SCALAR_COST) | GUARDS
COMPUTING_CODE = np.array([op in COMPUTING for op in OPS], dtype=bool)           # by op code
_NOT_NONE = np.array([t is not type(None) for t in TYPES] + [True], dtype=bool)    # by value_types code


@dataclass
class Layout:
    """What pass 2 needs to know of each record (lists indexed by record id)."""
    kind: list[int]                 # FREE, WORD, SCALAR_INPUT or ARRAY
    store: list[int]                # storage: a word is its own; an array, its allocation's first record
    last: list[int]                 # the last record that touches each storage
    kept: set[int]                  # storages never dropped: results, and the caller's memory
    inputs: set[int]                # array storages that are inputs or constants
    scalar_key: dict[int, int]      # scalar input -> the key of its line
    line_owner: dict[int, int]      # scalar-input line key -> the input that owns it
    span: dict[int, tuple[int, int]]  # array storage -> (start, end) in the analysis's addresses
    shift: dict[int, int]           # array storage -> what moves a real address there
    top: int                        # the end of the analysis's address space
    released: frozenset[int] = frozenset()  # storages whose lines later allocations may reuse
    arrays: tuple[np.ndarray, np.ndarray] | None = None     # kind (int8) and last (int64) of a scalar
    # trace's layout, made in numpy (``_scalar_index``, where every storage is its own record)

    def kind_and_last(self) -> tuple[np.ndarray, np.ndarray]:
        """``kind`` and ``last`` as numpy arrays (the plan's)."""
        if self.arrays is not None:
            return self.arrays
        return np.asarray(self.kind, dtype=np.int8), np.asarray(self.last, dtype=np.int64)


# the word size of each type whose every value has one: Python's numbers and numpy's scalars (their
# itemsize), by exact type; the compiled walk looks a word up here, and goes back to Python otherwise
WORD_SIZES = {**SCALAR_BYTES, **{np.dtype(c).type: np.dtype(c).itemsize for c in "?bBhHiIlLqQefdgFDG"}}


def word_size(value: Any) -> int:
    size = WORD_SIZES.get(type(value))       # (first: a missing attribute costs a caught exception)
    if size is not None:
        return size
    size = getattr(value, "itemsize", None)
    return size if size is not None else 8


def allocation(a: np.ndarray) -> tuple[int, int]:
    """(start, end) of the allocation ``a``'s data lives in (numpy's owner, or a torch storage)."""
    if type(a) is ArraySummary:     # its own, and no longer there: see ``_allocation_key``
        return a.address, a.address + a.nbytes
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


def lines(a: np.ndarray, line: int, shift: int) -> range | np.ndarray:
    """Numbers of the lines ``a`` touches, distinct, in address order (a view touches only its
    own): a range when they are consecutive; ``shift`` moves its allocation to its place."""
    if a.size == 0:
        return range(0)
    ptr = address(a) + shift
    if a.flags.c_contiguous or a.flags.f_contiguous:
        return range(ptr // line, (ptr + a.nbytes - 1) // line + 1)
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
        return distinct(np.concatenate([first, last]))
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return distinct(np.repeat(first, counts) + offsets)


def index(trace: Trace, line: int, recycle: bool = True) -> Layout:
    """One pass over the trace's columns (see the module docstring). With ``recycle``, a dead
    allocation's lines go to allocations made after it (``analyzer.traffic.placement``)."""
    if not trace.extras and np.ndarray not in set(map(type, trace.values)):
        return _scalar_index(trace, line)
    n = len(trace)
    kind = [FREE] * n
    store = list(range(n))
    last = list(range(n))
    scalar_inputs: list[int] = []
    by_start: dict[Any, int] = {}     # allocation -> its first record
    placed: list[tuple[int, int, int]] = []     # (first record, real start, bytes) of each allocation
    inputs: set[int] = set()
    computing = COMPUTING
    extent: dict[Any, int] = {}     # allocation -> the furthest end any array there reaches
    for value in trace.values:
        if is_array(value):
            start, end = allocation(value)
            key = _allocation_key(value, start)
            extent[key] = max(end, extent.get(key, end))
    extras, wide = trace.extras, trace.wide
    for i, (code, a, b, value) in enumerate(zip(trace.ops, trace.src0, trace.src1, trace.values)):
        op, extra = OPS[code], extras.get(i)
        srcs = (a, b) if b >= 0 else (a,) if a >= 0 else () if a == NONE else wide[i]
        if is_array(value):
            kind[i] = ARRAY
            start = allocation(value)[0]
            key = _allocation_key(value, start)
            end = extent[key]
            st = by_start.setdefault(key, i)
            store[i] = st
            if st == i:             # each allocation starts a line of its own, in trace order
                placed.append((i, start, end - start))
                if op is Op.INPUT or op is Op.CONST:
                    inputs.add(i)
            last[st] = i
        elif extra is not None:
            if value is not None and not isinstance(value, (tuple, list)):
                kind[i] = WORD
        elif op in computing:
            if value is not None:
                kind[i] = WORD
        elif op is Op.INPUT and value is not None:
            kind[i] = SCALAR_INPUT
            scalar_inputs.append(i)
        for s in srcs:
            last[store[s]] = i
    kept = {store[o] for o in trace.outputs} | inputs
    released = _released(trace, placed, store, last, kept) if recycle else {}
    first, top = place([(st, -(-size // line) + 1) for st, _, size in placed], released)
    shift = {st: first[st] * line - start for st, start, _ in placed}
    span = {st: (first[st] * line, first[st] * line + size) for st, _, size in placed}
    scalar_key, line_owner = _input_lines(trace, scalar_inputs, line)
    return Layout(kind, store, last, kept, inputs, scalar_key, line_owner, span, shift, top * line,
                  frozenset(released))


def _released(trace: Trace, placed: list[tuple[int, int, int]], store: list[int], last: list[int],
              kept: set[int]) -> dict[int, int]:
    """Allocation -> the record after which its lines are free: the one that drops it
    (``Simulation.run`` drops a storage at its last record if that is an array op, or a scalar op
    that reads it; after any other record its lines could stay resident, and it is never freed)."""
    computing = bytes(op in COMPUTING for op in OPS)
    extras, ops = trace.extras, trace.ops
    free: dict[int, int] = {}
    for st, _, _ in placed:
        d = last[st]
        if st in kept:
            continue
        if d in extras or (computing[ops[d]] and any(store[s] == st for s in trace.sources(d))):
            free[st] = d
    return free


def _allocation_key(value: Any, start: int) -> Any:
    """What tells allocations apart: their start while they live (every array the trace holds
    holds its allocation), a summary itself for a released one (its address may be reused)."""
    return start if type(value) is not ArraySummary else ("released", id(value))


def _scalar_index(trace: Trace, line: int) -> Layout:
    """``index`` of a trace without arrays, in numpy: every storage is its own record, and a
    record is last touched by its last reader."""
    from analyzer.passes.columns import last_readers, value_types

    n = len(trace)
    codes = np.frombuffer(trace.ops, dtype=np.uint8)
    present = by_code(_NOT_NONE, value_types(trace))
    computing = by_code(COMPUTING_CODE, codes) & present
    inputs = (codes == CODE[Op.INPUT]) & present & ~computing
    kind = np.full(n, FREE, dtype=np.int8)
    kind[computing] = WORD
    kind[inputs] = SCALAR_INPUT
    last = last_readers(trace)
    scalar_key, line_owner = _input_lines(trace, np.flatnonzero(inputs).tolist(), line)
    return Layout(kind.tolist(), list(range(n)), last.tolist(), set(trace.outputs), set(), scalar_key,
                  line_owner, {}, {}, 0, arrays=(kind, last.astype(np.int64)))


def _input_lines(trace: Trace, scalar_inputs: list[int], line: int) -> tuple[dict[int, int], dict[int, int]]:
    """(scalar input -> the key of its line, line key -> the input that owns it): the elements of
    one input (a list, a list of lists) are contiguous, and each input starts on a new line."""
    scalar_key: dict[int, int] = {}
    line_owner: dict[int, int] = {}
    names, values = trace.input_names, trace.values
    offset, top = 0, None
    for i in scalar_inputs:
        name = names.get(i, "").split("[", 1)[0]
        if name != top:
            top, offset = name, -(-offset // line) * line
        key = -1 - offset // line
        scalar_key[i] = key
        line_owner.setdefault(key, i)
        offset += word_size(values[i])
    return scalar_key, line_owner
