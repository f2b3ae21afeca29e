"""The first occurrence of each key, by hashing: no sort of the keys.

Value numbering asks two questions of millions of keys at once: which earlier value has this
value's rounded key (its group's first value), and which op repeats an earlier op's key. A
stable sort answers both, at n log n; a hash table answers them in a few passes over the keys.

Each round puts every key still open in a table of about as many buckets as keys, and each
bucket keeps the least position that falls in it (``np.minimum.at``). A key equal to its
bucket's keeper has found its first occurrence: the keeper comes first of all the keys in the
bucket, so of all those equal to it. The others share a bucket with an earlier, different key;
every key equal to them does too (equal keys fall in one bucket), so the next round, with
another hash, takes exactly them. Each round settles at least every bucket's keeper; what a
few rounds leave open (keys a hash cannot tell apart) a stable sort settles.

>>> first_occurrence(np.array([7, 3, 7, 3, 9])).tolist()
[0, 1, 0, 1, 4]
>>> first_occurrence(np.array([1, 1, 1]), np.array([5, 6, 5])).tolist()     # keys of two columns
[0, 1, 0]
"""
from __future__ import annotations

import numpy as np

from analyzer.kernels import KERNELS

_ROUNDS = 8     # rounds of hashing; a stable sort settles what they leave open
_MULTIPLIERS = [np.uint64(k) for k in (0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                                       0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53)]


def first_occurrence(*columns: np.ndarray) -> np.ndarray:
    """For each position, the least position whose key is equal (int64); a key is one value of
    each column (integer arrays of one length)."""
    n = len(columns[0])
    first = np.zeros(0, dtype=np.int64)         # (made by the first round)
    open_at: np.ndarray | None = None           # positions still open (None: all), ascending
    keys = [np.ascontiguousarray(c).view(np.uint64) if c.dtype.itemsize == 8 else c.astype(np.uint64)
            for c in columns]
    if KERNELS is not None and 2 <= n < 2**30 and len(keys) <= 4:     # tables by partitions, in C
        first = np.empty(n, dtype=np.int64)
        if KERNELS.first_occurrence(tuple(keys), first):
            return first
    for turn in range(_ROUNDS if n >= 2 else 0):      # (one key: a sort of nothing)
        m = n if open_at is None else len(open_at)
        if not m:
            return first
        bits = max(m - 1, 1).bit_length()       # about as many buckets as keys
        bucket = _hash(keys, turn, bits)
        small = np.int32 if m < 2**31 else np.int64     # (positions: half the memory to touch)
        table = np.full(1 << bits, m, dtype=small)
        np.minimum.at(table, bucket, np.arange(m, dtype=small))
        keeper = table[bucket].astype(np.int64)     # each key's bucket's least position
        del bucket, table
        same = keys[0][keeper] == keys[0]
        for k in keys[1:]:
            same &= k[keeper] == k
        if open_at is None:
            first = keeper                      # (the keys left open get theirs in later rounds)
            open_at = np.flatnonzero(~same)
        else:
            first[open_at[same]] = open_at[keeper[same]]
            open_at = open_at[~same]
        keys = [k[~same] for k in keys]
    if open_at is None:
        return _by_sorting(keys)
    if len(open_at):
        first[open_at] = open_at[_by_sorting(keys)]
    return first


def _by_sorting(keys: list[np.ndarray]) -> np.ndarray:
    """``first_occurrence`` of ``keys`` by a stable sort."""
    order = np.lexsort(keys[::-1])          # (stable: equal keys in position order)
    starts = np.ones(len(order), dtype=bool)
    for k in keys:
        ordered = k[order]
        starts[1:] &= ordered[1:] == ordered[:-1]
    starts[1:] = ~starts[1:]
    first = np.empty(len(order), dtype=np.int64)
    first[order] = order[starts][np.cumsum(starts) - 1]
    return first


def _hash(keys: list[np.ndarray], turn: int, bits: int) -> np.ndarray:
    """A bucket in ``[0, 2**bits)`` for each key: the top bits of the key times an odd constant,
    another in each turn (each bit of a key moves the bits above it, so the top bits see all);
    keys of several columns are mixed into one first."""
    with np.errstate(over="ignore"):
        h = keys[0] * _MULTIPLIERS[turn % len(_MULTIPLIERS)]
        for k, column in enumerate(keys[1:], 1):
            h ^= h >> np.uint64(29)
            h += column
            h *= _MULTIPLIERS[(turn + k) % len(_MULTIPLIERS)]
        if turn >= len(_MULTIPLIERS) or len(keys) > 1:     # (rounds past the constants: mix more)
            h ^= h >> np.uint64(31)
            h *= _MULTIPLIERS[(turn + 3) % len(_MULTIPLIERS)]
        h >>= np.uint64(64 - bits)
    return h.view(np.int64)
