"""Shares of records' work, held as two arrays: what a pass finds removable, as a mapping.

A pass that finds millions of removable ops (a loop-invariant product recomputed at every
iteration) would make a dict of millions of entries, an int and a float object each; attribution
then turns it back into arrays. ``Shares`` keeps the arrays (record ids ascending, the share of
each) and reads as the dict would: ``shares[i]``, ``i in shares``, iteration in record order,
equality with a dict.

>>> s = Shares(np.array([3, 7]), np.array([1.0, 0.5]))
>>> s[7], 5 in s, list(s), s == {3: 1.0, 7: 0.5}
(0.5, False, [3, 7], True)
"""
from __future__ import annotations

from typing import Iterator, Mapping

import numpy as np


class Shares(Mapping):
    """Record id -> share of its work, from ``ids`` (int64, ascending) and ``shares`` (float64)."""
    __slots__ = ("ids", "shares")

    def __init__(self, ids: np.ndarray, shares: np.ndarray) -> None:
        self.ids, self.shares = ids, shares

    def __getitem__(self, i: int) -> float:
        k = int(np.searchsorted(self.ids, i))
        if k < len(self.ids) and self.ids[k] == i:
            return float(self.shares[k])
        raise KeyError(i)

    def __iter__(self) -> Iterator[int]:
        return iter(self.ids.tolist())

    def __len__(self) -> int:
        return len(self.ids)

    def items(self):        # (a list, not a view: made at once from the arrays)
        return list(zip(self.ids.tolist(), self.shares.tolist()))

    def values(self):
        return self.shares.tolist()

    def __repr__(self) -> str:
        return f"Shares({dict(self.items())!r})"
