"""Content keys of array values: equal up to last-bit noise -> equal keys, computed at numpy speed.

Floats are rounded to float32 precision (a 24-bit mantissa) before hashing, so BLAS kernels
chosen by shape, or float64 reassociation, do not hide a recomputation; float32 values are
already at that precision and are hashed as they are. A float64 array whose values float32
cannot hold (beyond 3.4e38) keeps float64's exponent: its bits are rounded instead. ``-0.0``
and ``0.0`` are one value.

``row_hashes`` hashes every row (the last axis) of a value, every element of every row: no
sampling. Rows are hashed with Python's SipHash over their bytes, one call per row, so the
cost is one pass over the data plus a call per row (GPT-2 small's 124M weights: about a
second). A value's whole key is derived from its row hashes, so a value is read once.

>>> import numpy as np
>>> a = np.array([[1.0, 2.0], [1.0, 2.0 + 1e-12]])
>>> h = row_hashes(a); bool(h[0] == h[1]), h.shape
(True, (2,))
>>> bool(row_hashes(np.float32([1.0, 2.0])) == row_hashes(np.array([1.0, 2.0])))
True
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

_FLOAT32_MAX = float(np.finfo(np.float32).max)
_HALF, _LOW = np.uint64(1 << 28), np.uint64(~((1 << 29) - 1) & (2**64 - 1))   # 52 - 23 = 29 bits dropped


def rounded(a: np.ndarray) -> np.ndarray:
    """A contiguous array whose bytes are equal for values equal up to float32 rounding."""
    kind = a.dtype.kind
    if kind == "c":
        a = a.view(a.real.dtype) if a.flags.c_contiguous else np.ascontiguousarray(a).view(a.real.dtype)
        kind = "f"
    if kind != "f":
        return np.ascontiguousarray(a)      # (C order: rows are contiguous)
    if a.dtype.itemsize <= 4:
        return np.add(a, np.float32(0.0), dtype=np.float32, order="C")   # + 0.0: -0.0 becomes 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        narrow = np.add(a, 0.0, dtype=np.float32, casting="same_kind", order="C")
    if np.isinf(narrow).any() and _overflows(a):
        bits = np.add(a, 0.0, dtype=np.float64, order="C").view(np.uint64)      # a fresh copy, rounded in place
        bits += _HALF
        bits &= _LOW
        return bits
    return narrow


def _overflows(a: np.ndarray) -> bool:
    with np.errstate(invalid="ignore"):
        return bool(np.nanmax(np.abs(a[np.isfinite(a)]), initial=0.0) > _FLOAT32_MAX)


def row_hashes(value: Any) -> np.ndarray:
    """One int64 content hash per row (last axis) of ``value``; shape ``value.shape[:-1]``.

    A 1-D value is one row (a 0-d array of one hash); a 0-d value is one row of one element.
    """
    a = np.asarray(value)
    if a.dtype.kind not in "biufc":
        return _object_rows(a)
    return hash_rows(rounded(a))


def hash_rows(keys: np.ndarray) -> np.ndarray:
    """``row_hashes`` of a value already ``rounded``."""
    if keys.ndim == 0:
        return np.array(hash(keys.tobytes()), dtype=np.int64)
    width = keys.shape[-1] * keys.dtype.itemsize
    lead = keys.shape[:-1]
    n = int(np.prod(lead, dtype=np.int64))
    if width == 0 or n == 0:
        return np.zeros(lead, dtype=np.int64)
    raw = memoryview(keys.reshape(-1)).cast("B")
    hashes = [hash(raw[k:k + width].tobytes()) for k in range(0, n * width, width)]
    return np.array(hashes, dtype=np.int64).reshape(lead)


def _object_rows(a: np.ndarray) -> np.ndarray:
    """Python objects (Fractions, big ints): hashed by value, row by row."""
    if a.ndim == 0:
        return np.array(_safe_hash(a.item()), dtype=np.int64)
    flat = a.reshape(-1, a.shape[-1])
    return np.array([_safe_hash(tuple(r.tolist())) for r in flat], dtype=np.int64).reshape(a.shape[:-1])


def _safe_hash(obj: Any) -> int:
    try:
        return hash(obj)
    except TypeError:
        return hash(repr(obj))


def whole_hash(shape: tuple[int, ...], rows: np.ndarray) -> int:
    """A content hash of a whole value, from its row hashes and its shape."""
    return hash((shape, rows.tobytes()))


class NearRows:
    """Canonical row hashes for float32 rows equal up to float32 noise.

    Float32 values are hashed exactly (rounding them further would split equal rows that
    straddle a rounding boundary), but a matmul's tail rows can differ from the same rows
    computed in a larger batch in their last bits. A row whose exact hash is new is looked
    up by two random projections relative to its 1-norm (quantized to 1e-3) and by the
    logarithm of that norm (quantized to four times what the tolerance lets two equal rows'
    norms differ by), the nearest neighbouring cell probed in each, so noise never moves it out
    of reach; confirmed with a tolerance of ``RTOL`` of the row's largest magnitude, it then
    takes the hash of the row it equals.

    >>> import numpy as np
    >>> near = NearRows(); x = np.float32([[1.0, 2.0, 3.0]])
    >>> a = near.canonical(x, row_hashes(x)); b = near.canonical(x * (1 + 1e-7), row_hashes(x * (1 + 1e-7)))
    >>> bool(a[0] == b[0])
    True
    """

    RTOL = 1e-5
    QUANTUM = 1e-3

    def __init__(self) -> None:
        self.alias: dict[int, int] = {}                 # exact hash -> canonical hash
        self.cells: dict[tuple, list[tuple]] = {}   # (width, k1, k2, k3) -> [(hash, c1, c2, c3, row)]
        self._weights: dict[int, np.ndarray] = {}

    def _projections(self, width: int) -> np.ndarray:
        w = self._weights.get(width)
        if w is None:
            w = self._weights[width] = np.random.default_rng(width).uniform(-1.0, 1.0, (width, 2))
        return w

    def canonical(self, value: np.ndarray, hashes: np.ndarray) -> np.ndarray:
        """``hashes`` (of ``value``'s rows) with near-equal rows given one hash."""
        if value.dtype != np.float32 or value.ndim == 0 or value.shape[-1] == 0:
            return hashes
        flat = hashes.reshape(-1)
        alias = self.alias
        missing = [k for k, h in enumerate(flat.tolist()) if h not in alias]
        if not missing:
            return np.array([alias[h] for h in flat.tolist()], dtype=np.int64).reshape(hashes.shape)
        rows = value.reshape(-1, value.shape[-1])
        picked = rows[missing].astype(np.float64)
        norm = np.abs(picked).sum(axis=1)
        width = rows.shape[1]
        with np.errstate(invalid="ignore", divide="ignore"):
            cells = picked @ self._projections(width) / (self.QUANTUM * np.where(norm > 0, norm, 1.0)[:, None])
            # the size of the row, to within what the tolerance lets two equal rows' 1-norms differ
            # by (width * RTOL of the norm): rows with one or two elements have projections that
            # tell almost nothing apart, so without it every positive row of a width shares a cell
            sizes = np.log(np.where(norm > 0, norm, 1.0)) / (4 * width * self.RTOL)
        cells = np.nan_to_num(cells, nan=0.0, posinf=0.0, neginf=0.0)
        finite = np.isfinite(norm) & np.isfinite(sizes)
        for k, (c1, c2), c3, ok in zip(missing, cells.tolist(), sizes.tolist(), finite.tolist()):
            h = int(flat[k])
            if h in alias:          # an equal row earlier in this very value
                continue
            alias[h] = self._find(width, c1, c2, c3, rows[k], h) if ok else h
        return np.array([alias[h] for h in flat.tolist()], dtype=np.int64).reshape(hashes.shape)

    def _find(self, width: int, c1: float, c2: float, c3: float, row: np.ndarray, h: int) -> int:
        """The hash of a known row near ``row`` (cell coordinates c1, c2, c3), or ``h`` as a new one."""
        near = [(math.floor(c), math.floor(c) + (1 if c - math.floor(c) >= 0.5 else -1)) for c in (c1, c2, c3)]
        cells = self.cells
        atol = None
        for b1 in near[0]:
            for b2 in near[1]:
                for b3 in near[2]:
                    for known, o1, o2, o3, other in cells.get((width, b1, b2, b3), ()):
                        if abs(o1 - c1) < 0.5 and abs(o2 - c2) < 0.5 and abs(o3 - c3) < 0.5:   # worth a look
                            if atol is None:
                                atol = self.RTOL * float(np.abs(row).max())
                            if float(np.abs(row - other).max()) <= atol:
                                return known
        cells.setdefault((width, near[0][0], near[1][0], near[2][0]), []).append((h, c1, c2, c3, row))
        return h
