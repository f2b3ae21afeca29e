"""The passes' compiled kernels (``analyzer/_kernels.c``), where built and current, with the
numpy each replaces: the passes call these and get the same arrays either way.

``KERNELS`` is the extension module or None (``analyzer.native.load``). A kernel does in one
loop what numpy does in several passes of fancy indexing (``first_occurrence``'s hash table,
``np.add.at``); the numpy forms stay the reference, and the tests compare the two.
"""
from __future__ import annotations

import numpy as np

from analyzer.native import load

KERNELS = load("_kernels")
_WIDTHS = {np.dtype(np.int32): 4, np.dtype(np.int64): 8}


def add_at(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``np.add.at(target, index, values)`` for a contiguous int32/int64 ``target`` and ``values``
    of its dtype (anything else: numpy itself)."""
    width = _WIDTHS.get(target.dtype)
    if (KERNELS is None or width is None or values.dtype != target.dtype or not target.flags.c_contiguous
            or target.ndim != 1 or np.shape(values) != np.shape(index)):
        np.add.at(target, index, values)
        return
    KERNELS.add_at(target, np.ascontiguousarray(index, dtype=np.int64), np.ascontiguousarray(values), width)


def by_code(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """``table[codes]`` for uint8 ``codes`` (op codes, value types) into a 1-D table of 1- or 8-byte
    items, in one pass in C (numpy casts the codes to intp first: 2 ms a million); a new array."""
    if (KERNELS is None or codes.dtype != np.uint8 or table.ndim != 1 or table.itemsize not in (1, 8)
            or not table.flags.c_contiguous):
        return table[codes]
    return np.frombuffer(KERNELS.lookup(table, table.itemsize, np.ascontiguousarray(codes)), dtype=table.dtype)
