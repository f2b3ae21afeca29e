"""Rows (or elements) of an array op that no one reads: the dead part of work that is otherwise live.

Liveness is per value: an op whose result reaches an output is live, all of it. But an array
op often computes elements only some of which are read — a language model's head applied to
every position, of which generation keeps the last row; a branch of ``np.where`` computed
everywhere and kept where its condition holds. So demand is followed element by element,
backwards from the outputs, through the readers that say which elements of their operand
they need:

- a view (a slice, a select, a reshape, a transpose: no arithmetic, the same memory) needs the
  elements it shows, as far as its own readers need them;
- an elementwise op of the operand's shape (``copy`` and casts too) needs the elements its own
  readers need; ``np.where(c, a, b)`` needs ``a`` where ``c`` holds and ``b`` where it does not;
- a row kernel of the operand's shape (softmax, layer norm), or a reduction along the last axis
  that keeps it (a norm's mean of squares), needs the rows its readers need; an operand
  broadcast into an elementwise op, the elements any needed output element uses;
- a matrix product needs the rows of its left operand whose output rows are needed, and
  attention the rows of its queries;
- an allocation shaped like it (``zeros_like``) needs none of it;
- any other reader (a reduction, a copy of another shape, a scalar, control flow) needs all of it.

An op whose every element is computed on its own (an elementwise op, a matrix product: element
(i, j) shares no work with another) has the share of its elements nobody needs dead; a row
kernel, and attention (one query's row), the share of its rows.

Before::  logits = h @ W; return logits[-1]      -> all rows of h @ W but the last are dead
After::   return h[-1] @ W

Before::  return np.diagonal(a @ b).copy()       -> all but n of the n^2 elements are dead
After::   return np.einsum("ij,ji->i", a, b)

Before::  return np.where(x > 0, np.sqrt(np.abs(x)), 0.0)   -> sqrt and abs where x <= 0 are dead

The right operand of a product is needed whole (a query attends to every key): the rows of the
keys and values of earlier positions stay live, and so does all that computes them. So when a
decoder re-runs its prefix without a cache, the earlier positions' rows of its last layer past
its keys and values, and their logits, are dead; everything below is recomputed (caching).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from analyzer.array_summary import is_array
from analyzer.buffers import element_ids, root
from analyzer.ops import Op
from analyzer.passes.columns import columns, reads
from analyzer.passes.redundancy import (ATTENTION, ELEMENTWISE, MATMUL_ROWS, REDUCTION_KERNELS, REDUCTIONS,
                                        ROW_KERNELS)
from analyzer.trace import OPS, Trace

LEFT_OPERAND = {"matmul": 0, "dot": 0, "mm": 0, "bmm": 0, "addmm": 1, "baddbmm": 1, "linear": 0,
                "linear_dynamic": 0, ATTENTION: 0}     # the operand whose row i makes output row i
_THROUGH = ELEMENTWISE | {Op.COPY}      # elementwise readers, for demand


def row_wise(op: Op, name: str) -> bool:
    """Whether each row of the op's output (along the last axis) is computed on its own."""
    return element_wise(op, name) or (op is Op.OTHER and name in ROW_KERNELS) or (op is Op.MATMUL and name == ATTENTION)


def element_wise(op: Op, name: str) -> bool:
    """Whether each element of the op's output is computed on its own, at the same cost: an
    elementwise op, or a matrix product (element (i, j) is row i of one operand times column j
    of the other, k multiplications and k - 1 additions, shared with no other element)."""
    if op is Op.MATMUL:
        return name in MATMUL_ROWS and name != ATTENTION
    return op in ELEMENTWISE


def dead_rows(trace: Trace, live: Any, read: tuple[np.ndarray, np.ndarray] | None = None) -> dict[int, float]:
    """Live ops with elements (or rows) no reader needs, each with the share of its work they
    are (only ops with such elements). ``live``: the liveness sweep's flags, by record id;
    ``read``: every (source, reader) pair, when the caller has them (``columns.reads``)."""
    if not trace.extras:
        return {}
    demand = Demand(trace, live, read)
    out: dict[int, float] = {}
    for i, needed in demand.partial.items():
        op, name = OPS[trace.ops[i]], trace.extras[i][4]
        if element_wise(op, name):
            read, units = int(np.count_nonzero(needed)), needed.size
        elif row_wise(op, name):
            value = trace.values[i]
            read = int(np.count_nonzero(needed.reshape(-1, value.shape[-1]).any(axis=1)))
            units = value.size // value.shape[-1]
        else:
            continue
        if read < units:
            out[i] = 1.0 - read / units
    return out


class Demand:
    """The elements of each live array value that its readers need, found backwards in one sweep.
    ``partial``: value id -> flat mask (C order) of the needed elements, for values not needed whole."""

    def __init__(self, trace: Trace, live: Any, read: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        self.trace, self.values, self.extras = trace, trace.values, trace.extras
        self.outputs = set(trace.outputs)
        self.readers: dict[int, list[int]] = {}
        sources, readers = read if read is not None else reads(trace, columns(trace))   # (liveness has them)
        arrays = np.zeros(len(trace.values), dtype=bool)
        arrays[list(self.extras)] = True
        keep = arrays[sources] & np.frombuffer(bytes(live), dtype=bool)[readers]
        for s, r in zip(sources[keep].tolist(), readers[keep].tolist()):
            self.readers.setdefault(s, []).append(r)
        self.partial: dict[int, np.ndarray] = {}
        for v in sorted(self.readers, reverse=True):       # readers come after what they read
            value = self.values[v]
            if live[v] and v not in self.outputs and is_array(value) and value.size:
                needed = self._needed(v, value)
                if needed is not None:
                    self.partial[v] = needed

    def _needed(self, v: int, value: np.ndarray) -> np.ndarray | None:
        needed = None
        for r in dict.fromkeys(self.readers[v]):
            part = self._through(v, value, r)
            if part is None:
                return None
            needed = part if needed is None else needed | part
        return None if needed is None or needed.all() else needed

    def _through(self, v: int, value: np.ndarray, r: int) -> np.ndarray | None:
        """The elements of ``v`` reader ``r`` needs (None: all of them)."""
        extra, result = self.extras.get(r), self.values[r]
        if extra is None or not is_array(result):
            return None
        after = self.partial.get(r)         # what r's own readers need of it (None: all)
        op, name = OPS[self.trace.ops[r]], extra[4]
        if op is Op.ALLOC:                  # zeros_like(v): its shape and dtype, none of its elements
            return np.zeros(value.size, dtype=bool)
        srcs = self.trace.sources(r)
        if not (extra[0] or extra[1] or extra[2]) and srcs[0] == v and srcs.count(v) == 1 \
                and result.dtype == value.dtype and _inside(result, value):
            return _shown(value, result, after)
        if op is Op.MATMUL:
            if LEFT_OPERAND.get(name) is None or srcs.count(v) != 1 or srcs.index(v) != LEFT_OPERAND[name]:
                return None
            return _left_rows(value, result, after)
        if op is Op.WHERE and len(srcs) == 3 and srcs[0] != v:
            condition = np.broadcast_to(np.asarray(self.values[srcs[0]], dtype=bool), result.shape).ravel()
            taken = (condition if srcs[1] == v else False) | (~condition if srcs[2] == v else False)
            return _unbroadcast(taken if after is None else taken & after, result.shape, value.shape)
        if op in _THROUGH:
            return None if after is None else _unbroadcast(after, result.shape, value.shape)
        if after is None:
            return None
        if op is Op.OTHER and name in ROW_KERNELS and result.shape == value.shape:
            rows = after.reshape(-1, result.shape[-1]).any(axis=1)
            return np.repeat(rows, result.shape[-1])
        if (op in REDUCTIONS or name in REDUCTION_KERNELS) and value.ndim and value.shape[-1] > 1 \
                and result.shape == value.shape[:-1] + (1,):       # along the last axis, keeping it
            return np.repeat(after, value.shape[-1])
        return None


def _shown(value: np.ndarray, view: np.ndarray, after: np.ndarray | None) -> np.ndarray | None:
    """The elements of ``value`` that the needed elements of ``view`` (inside its memory) are."""
    if after is None and view.size >= value.size:
        return None                         # a reshape, a transpose: all of it (a broadcast view too)
    if value.flags.c_contiguous:            # by address: torch's tensors reach numpy as separate arrays
        at = _elements(view, value)
    else:                                   # by place in the buffer both are views of
        mine, theirs = element_ids(value), element_ids(view)
        if mine is None or theirs is None or root(view) is not root(value):
            return None
        return np.isin(mine.ravel(), theirs.ravel() if after is None else theirs.ravel()[after])
    if at is None:
        return None
    needed = np.zeros(value.size, dtype=bool)
    needed[at if after is None else at[after]] = True
    return needed


def _inside(view: np.ndarray, base: np.ndarray) -> bool:
    if type(view) is not np.ndarray or type(base) is not np.ndarray:
        return False        # a summary's memory was its own: nothing else is inside it, nor it in anything
    lo, hi = np.lib.array_utils.byte_bounds(view) if hasattr(np.lib, "array_utils") else np.byte_bounds(view)
    start = base.__array_interface__["data"][0]
    return view.size > 0 and start <= lo and hi <= start + base.nbytes


def _elements(view: np.ndarray, base: np.ndarray) -> np.ndarray | None:
    """Flat indices into ``base`` (C-contiguous) of the elements of ``view`` (inside it), in C order."""
    item = base.itemsize
    offset, odd = divmod(view.__array_interface__["data"][0] - base.__array_interface__["data"][0], item)
    if odd or any(s % item for s in view.strides):
        return None
    index = np.arange(base.size, dtype=np.int64)
    return np.lib.stride_tricks.as_strided(index[offset:], shape=view.shape,
                                           strides=[s // item * 8 for s in view.strides]).ravel()


def _unbroadcast(needed: np.ndarray, shape: tuple[int, ...], operand: tuple[int, ...]) -> np.ndarray | None:
    """Demand on an elementwise op's output (``shape``) as demand on an operand broadcast to it."""
    if operand == shape:
        return needed
    try:
        if np.broadcast_shapes(operand, shape) != shape:
            return None
    except ValueError:
        return None
    lead = len(shape) - len(operand)
    axes = tuple(range(lead)) + tuple(lead + k for k, n in enumerate(operand) if n == 1 and shape[lead + k] != 1)
    return needed.reshape(shape).any(axis=axes).reshape(-1) if axes else needed


def _left_rows(value: np.ndarray, result: np.ndarray, after: np.ndarray | None) -> np.ndarray | None:
    """The rows of a product's left operand whose output rows are needed."""
    if after is None or value.ndim < 2 or value.ndim != result.ndim or value.shape[:-1] != result.shape[:-1]:
        return None
    rows = after.reshape(result.shape).any(axis=-1)
    return np.repeat(rows.ravel(), value.shape[-1])
