"""What a trace keeps of an array value the probe dropped: its layout and its content keys.

An ``ArraySummary`` stands in ``Trace.values`` for a numpy result that only the trace still
held (``analyzer.tracers.array_release`` decides which, and when). It answers what the passes
ask of an array's layout with the ndarray's own attribute names (``shape``, ``dtype``,
``strides``, ``size``, ``nbytes``, ``flags.c_contiguous`` ...), and instead of the contents it
keeps the keys the passes compute from them, exactly as ``content_hash`` computes them: the
hash of each row, the hash of the whole rounded value, and a hash of its exact bytes. Value
numbering confirms two arrays of one rounded key by equal bytes, or else equal rounded contents,
as rows are compared, summarized or not (``same_contents``): what is equal does not depend on
which values were released. A 512 x 512 float64 value (2 MiB) keeps about 4 KiB.

It owned its memory, and nothing viewed it when it was summarized, so its allocation is its
own: ``root`` of it is itself, and its ``address`` (where the data was) may since be a later
array's. Code that places values by address takes a summary as an allocation of its own.

Readers ask through the functions below, not ``type(v) is np.ndarray``.

>>> import numpy as np
>>> a = np.arange(12.0).reshape(3, 4); s = summarize(a)
>>> s.shape, s.nbytes, is_array(s), bool((row_keys(s) == row_keys(a)).all()), same_contents(s, a.copy())
((3, 4), 96, True, True, True)
"""
from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from analyzer.passes.content_hash import hash_rows, rounded, row_hashes


class Flags(NamedTuple):
    c_contiguous: bool
    f_contiguous: bool


class ArraySummary:
    """An array value without its contents (see the module docstring)."""
    __slots__ = ("shape", "dtype", "strides", "size", "nbytes", "flags", "address", "rows", "flat", "exact")
    base = None         # it owned its memory

    def __init__(self, a: np.ndarray) -> None:
        self.shape, self.dtype, self.strides, self.size, self.nbytes = a.shape, a.dtype, a.strides, a.size, a.nbytes
        self.flags = Flags(a.flags.c_contiguous, a.flags.f_contiguous)
        self.address = a.__array_interface__["data"][0]
        keys = rounded(a)
        self.rows = hash_rows(keys)
        self.flat = hash(keys.tobytes())
        self.exact = _exact(a)

    ndim = property(lambda self: len(self.shape))
    itemsize = property(lambda self: self.dtype.itemsize)

    def __repr__(self) -> str:
        return f"ArraySummary(shape={self.shape}, dtype={self.dtype})"


summarize = ArraySummary


def is_array(value: Any) -> bool:
    """Whether ``value`` is an array value: an ndarray, or the summary of one."""
    return type(value) is np.ndarray or type(value) is ArraySummary


def address(a: Any) -> int:
    """Where the first element of an array value is (was, for a summary)."""
    return a.address if type(a) is ArraySummary else a.__array_interface__["data"][0]


def row_keys(value: Any) -> np.ndarray:
    """``content_hash.row_hashes`` of an array value."""
    return value.rows if type(value) is ArraySummary else row_hashes(value)


def flat_key(value: Any) -> int:
    """The hash of an array value's rounded contents (``content_hash.rounded``)."""
    return value.flat if type(value) is ArraySummary else hash(rounded(value).tobytes())


def same_contents(a: Any, b: Any) -> bool:
    """Whether two array values (ndarrays or summaries) have the same shape and dtype, and
    the same bytes or else the same contents rounded to float32 precision (``content_hash.rounded``)."""
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    exact = (a.exact if type(a) is ArraySummary else _exact(a)) == (b.exact if type(b) is ArraySummary else _exact(b))
    return exact or flat_key(a) == flat_key(b)


def _exact(a: np.ndarray) -> int:
    return hash(np.ascontiguousarray(a).tobytes())
