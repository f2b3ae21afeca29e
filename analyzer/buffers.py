"""Where an array value's elements live: its root buffer, and each element's place in it.

Views share memory with the array they were taken from; a write through one changes what the
others read. The tracer uses this to give every view of a written buffer a new version, and
liveness to turn the demand on a view into demand on the elements it covers.

>>> import numpy as np
>>> a = np.arange(6.0).reshape(2, 3)
>>> element_ids(a[:, 1]).tolist(), covered(a, a[1:]).tolist()
([1, 4], [[False, False, False], [True, True, True]])
"""
from __future__ import annotations

import numpy as np

from analyzer.array_summary import address


def root(a: np.ndarray) -> np.ndarray:
    """The array that owns ``a``'s memory (a summary owned its own)."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def element_ids(a: np.ndarray) -> np.ndarray | None:
    """For each element of ``a``, its position in its root buffer's memory (None when the
    view's layout is not whole elements of the root, e.g. a view as another dtype)."""
    base = root(a)
    size = a.itemsize
    offset = address(a) - address(base)
    if size != base.itemsize or offset % size or any(s % size for s in a.strides):
        return None
    ids = np.full(a.shape, offset // size, dtype=np.int64)    # as much work as ``a`` has elements,
    for axis, (n, stride) in enumerate(zip(a.shape, a.strides)):     # however large its buffer
        step = np.arange(n, dtype=np.int64) * (stride // size)
        ids += step.reshape((1,) * axis + (n,) + (1,) * (a.ndim - axis - 1))
    return ids


def covered(a: np.ndarray, view: np.ndarray) -> np.ndarray | None:
    """A mask over ``a`` of the elements ``view`` shows (None: not a view of ``a``'s memory, or
    a layout that is not whole elements)."""
    if not isinstance(view, np.ndarray) or view.base is None or root(view) is not root(a):
        return None
    mine, theirs = element_ids(a), element_ids(view)
    if mine is None or theirs is None:
        return None
    return np.isin(mine, theirs)
