"""Near misses: values that share a rounded key with an earlier value but are not within RTOL of it.

Value numbering (``analyzer.passes.redundancy``) groups a trace's floats by rounded key; a value
within RTOL of its group's first value takes its number. The others are confirmed as a sweep in
trace order would confirm them: against the group's bucket, its first value and then the values
that took new numbers, up to ``max_bucket`` in all; the first one within RTOL gives its number,
else the value takes a new number (and joins the bucket while it has room).

``matches`` answers, for each near miss, which earlier value it takes the number of (or none):
in numpy, one round per rank within a group, for groups of finite values; value by value for
the others (NaN is close to nothing but itself, the very same object).

>>> vals = np.array([1.0, 1.0 + 1e-8, 1.0 + 2e-8, 1.0 + 1e-8 + 1e-17], dtype=object)
>>> arr = vals.astype(float)
>>> matches(np.array([1, 2, 3]), arr, vals, np.zeros(4, dtype=np.int64), np.array([0]), 1e-9, 8).tolist()
[-1, -1, 1]
"""
from __future__ import annotations

from typing import Any

import numpy as np

from analyzer.passes.columns import distinct

_ROUNDS = 64        # groups with more near misses than this are confirmed value by value


def matches(rest: np.ndarray, arr: np.ndarray, vals: np.ndarray, group: np.ndarray, first: np.ndarray,
            rtol: float, max_bucket: int) -> np.ndarray:
    """For each position in ``rest`` (ascending: trace order), the position of the value whose
    number it takes, or -1 for a new number. Positions index ``arr`` (the values as a float or
    complex array) and ``vals`` (the same values, the objects); ``group[k]`` is the group of
    position k and ``first[g]`` the position of group g's first value."""
    match = np.full(len(rest), -1, dtype=np.int64)
    if not len(rest):
        return match
    g = group[rest]
    by_group = np.argsort(g, kind="stable")         # each group's near misses together, in trace order
    gs = g[by_group]
    starts = np.flatnonzero(np.r_[True, gs[1:] != gs[:-1]])
    sizes = np.diff(np.r_[starts, len(gs)])
    finite = np.isfinite(arr)
    group_finite = np.logical_and.reduceat(finite[rest[by_group]], starts) & finite[first[gs[starts]]]
    in_rounds = group_finite & (sizes <= _ROUNDS)
    member_in_rounds = np.repeat(in_rounds, sizes)
    rank = np.arange(len(gs)) - np.repeat(starts, sizes)
    _in_rounds(match, rest, arr, first, rtol, max_bucket, by_group[member_in_rounds],
               gs[member_in_rounds], rank[member_in_rounds])
    for s, size in zip(starts[~in_rounds].tolist(), sizes[~in_rounds].tolist()):
        _one_by_one(match, rest, vals, first, rtol, max_bucket, by_group[s:s + size], int(gs[s]))
    return match


def _in_rounds(match: np.ndarray, rest: np.ndarray, arr: np.ndarray, first: np.ndarray, rtol: float,
               max_bucket: int, at: np.ndarray, g: np.ndarray, rank: np.ndarray) -> None:
    """``matches`` for the near misses ``rest[at]`` of groups ``g`` (finite values), rank by rank:
    every group's bucket is a row of ``reps`` (values) and ``where`` (their positions)."""
    if not len(at):
        return
    groups = distinct(g)
    row = np.searchsorted(groups, g)
    reps = np.zeros((len(groups), max_bucket), dtype=arr.dtype)
    where = np.full((len(groups), max_bucket), -1, dtype=np.int64)
    reps[:, 0], where[:, 0] = arr[first[groups]], first[groups]
    held = np.ones(len(groups), dtype=np.int64)
    slots = np.arange(max_bucket)
    order = np.argsort(rank, kind="stable")
    bounds = np.searchsorted(rank[order], np.arange(rank.max() + 2))
    with np.errstate(invalid="ignore", over="ignore"):
        for r in range(len(bounds) - 1):
            now = order[bounds[r]:bounds[r + 1]]     # one near miss of each group that has a rank r
            rows, pos = row[now], rest[at[now]]
            v = arr[pos][:, None]
            rep = reps[rows]
            close = ((rep == v) | (np.abs(rep - v) <= rtol * np.maximum(np.abs(rep), np.abs(v)))) \
                & (slots < held[rows][:, None])
            hit = close.any(axis=1)
            match[at[now[hit]]] = where[rows[hit], close[hit].argmax(axis=1)]
            room = ~hit & (held[rows] < max_bucket)
            grow, slot = rows[room], held[rows[room]]
            reps[grow, slot], where[grow, slot] = arr[pos[room]], pos[room]
            held[grow] += 1


def _one_by_one(match: np.ndarray, rest: np.ndarray, vals: np.ndarray, first: np.ndarray, rtol: float,
                max_bucket: int, at: np.ndarray, g: int) -> None:
    """``matches`` for the near misses ``rest[at]`` of group ``g``, value by value, as a sweep."""
    bucket = [(vals[first[g]], int(first[g]))]
    for j in at.tolist():
        k = int(rest[j])
        value = vals[k]
        for rep, pos in bucket:
            if rep is value or _close(rep, value, rtol):
                match[j] = pos
                break
        else:
            if len(bucket) < max_bucket:
                bucket.append((value, k))


def _close(a: Any, b: Any, rtol: float) -> bool:
    return a == b or abs(a - b) <= rtol * max(abs(a), abs(b))
