"""Rows (or elements) of an array op that no one reads: the dead part of work that is otherwise live.

Liveness is per value: an op whose result reaches an output is live, all of it. But an array
op often computes rows only some of which are read — a language model's head applied to every
position, of which generation keeps the last row. Views read it (a reshape, a slice, a select:
no arithmetic, the same memory), and the views decide which of its elements are demanded. For
an op that computes its output row by row (a matmul's rows, an elementwise op, a row kernel
such as softmax or layer norm: the kinds value numbering also reads row by row), the rows no
demanded element falls in are dead work, and the op's dead share is their fraction.

Before::  logits = h @ W; return logits[-1]      -> all rows of h @ W but the last are dead
After::   return h[-1] @ W

Where each element is computed on its own (an elementwise op, a matrix product: element (i, j)
shares no work with another), the unit is the element, not the row.

Before::  return np.diagonal(a @ b).copy()       -> all but n of the n^2 elements are dead
After::   return np.einsum("ij,ji->i", a, b)

Only demand through views is followed, and only one op deep: the rows of the op's own inputs
stay live (an upstream op's rows feed the attention of later positions, which a view chain
cannot show).
"""
from __future__ import annotations

from typing import Any

import numpy as np

from analyzer.ops import Op
from analyzer.passes.redundancy import ATTENTION, ELEMENTWISE, MATMUL_ROWS, ROW_KERNELS
from analyzer.trace import OPS, Trace

def row_wise(op: Op, name: str) -> bool:
    """Whether each row of the op's output (along the last axis) is computed on its own."""
    return element_wise(op, name) or (op is Op.OTHER and name in ROW_KERNELS)


def element_wise(op: Op, name: str) -> bool:
    """Whether each element of the op's output is computed on its own, at the same cost: an
    elementwise op, or a matrix product (element (i, j) is row i of one operand times column j
    of the other, k multiplications and k - 1 additions, shared with no other element)."""
    if op is Op.MATMUL:
        return name in MATMUL_ROWS and name != ATTENTION
    return op in ELEMENTWISE


def dead_rows(trace: Trace, live: Any) -> dict[int, float]:
    """Live row-wise array ops read only through views, each with the share of its rows no view
    reads (only ops with such rows). ``live``: the liveness sweep's flags, by record id."""
    if not trace.extras:
        return {}
    values, extras, outputs = trace.values, trace.extras, set(trace.outputs)
    readers: dict[int, list[int]] = {}
    for i in extras:                    # who reads each array value (array ops read arrays)
        if live[i]:
            for s in trace.sources(i):
                if s in extras:
                    readers.setdefault(s, []).append(i)
    out: dict[int, float] = {}
    for i, extra in extras.items():
        value = values[i]
        if not live[i] or i in outputs or type(value) is not np.ndarray or value.ndim == 0 \
                or not value.flags.c_contiguous or value.size == 0 or not row_wise(OPS[trace.ops[i]], extra[4]):
            continue
        demanded = np.zeros(value.size, dtype=bool)
        if _demand(i, value, value, demanded, readers, values, extras, outputs, trace, depth=0):
            continue
        if element_wise(OPS[trace.ops[i]], extra[4]):
            read, units = int(np.count_nonzero(demanded)), value.size
        else:
            read, units = int(np.count_nonzero(demanded.reshape(-1, value.shape[-1]).any(axis=1))), \
                value.size // value.shape[-1]
        if read < units:
            out[i] = 1.0 - read / units
    return out


def _demand(v: int, value: np.ndarray, base: np.ndarray, demanded: np.ndarray, readers: dict, values: list,
            extras: dict, outputs: set, trace: Trace, depth: int) -> bool:
    """Mark in ``demanded`` (a flag per element of ``base``) the elements value ``v`` (``value``,
    a view of ``base`` or ``base`` itself) is demanded on; True when that is every element."""
    rs = readers.get(v)
    if v in outputs or depth > 16 or not rs:    # (no array reader: live for control flow, a scalar)
        return _mark(value, base, demanded)
    for r in rs:
        extra, view = extras[r], values[r]
        if extra[0] or extra[1] or extra[2] or type(view) is not np.ndarray or trace.sources(r)[0] != v \
                or view.dtype != base.dtype or not _inside(view, base):
            return _mark(value, base, demanded)     # arithmetic on it, or a copy: all of it is read
        if _demand(r, view, base, demanded, readers, values, extras, outputs, trace, depth + 1):
            return True
    return False


def _mark(value: np.ndarray, base: np.ndarray, demanded: np.ndarray) -> bool:
    """Mark every element of ``value``; True (marking nothing) when it spans as many elements as
    ``base`` (a reshape, the product itself; a broadcast view that repeats elements reads as all)."""
    if value.size >= base.size:
        return True
    demanded[_elements(value, base)] = True
    return False


def _inside(view: np.ndarray, base: np.ndarray) -> bool:
    lo, hi = np.lib.array_utils.byte_bounds(view) if hasattr(np.lib, "array_utils") else np.byte_bounds(view)
    start = base.__array_interface__["data"][0]
    return view.size > 0 and start <= lo and hi <= start + base.nbytes


def _elements(view: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Flat indices into ``base`` (C-contiguous) of the elements of ``view`` (inside it)."""
    item = base.itemsize
    offset = (view.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // item
    index = np.arange(base.size, dtype=np.int64)
    return np.lib.stride_tricks.as_strided(index[offset:], shape=view.shape,
                                           strides=[s // item * 8 for s in view.strides]).ravel()
