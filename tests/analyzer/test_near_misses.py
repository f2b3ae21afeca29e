"""Near misses confirmed in numpy rounds (analyzer/passes/near_misses.py) are confirmed as one by
one: random groups of values that share a rounded key and differ by about RTOL, both ways."""
from __future__ import annotations

import numpy as np
import pytest

from analyzer.passes import near_misses
from analyzer.passes.first_occurrence import first_occurrence
from analyzer.passes import first_occurrence as hashing
from analyzer.passes.redundancy import RTOL


def _groups(seed: int, complex_values: bool) -> tuple:
    """(rest, arr, vals, group, first): a few groups of values about RTOL apart (some within it of
    one another, some not), shuffled into one trace order; each group's first value leads it."""
    rng = np.random.default_rng(seed)
    values, group = [], []
    for g in range(rng.integers(1, 30)):
        lead = rng.random() * 2.0 ** int(rng.integers(-4, 4))
        for step in rng.choice([0.0, 4e-10, 9e-10, 1.1e-9, 3e-9, 1e-8, 2e-8], size=rng.integers(2, 100)):
            v = lead * (1 + step * rng.choice([-1, 1]))
            values.append(complex(v, v * step) if complex_values and rng.random() < 0.3 else v)
            group.append(g)
    at = rng.permutation(len(values))
    vals = np.array([values[a] for a in at], dtype=object)
    group = np.array([group[a] for a in at], dtype=np.int64)
    first = np.array([np.flatnonzero(group == g)[0] for g in range(group.max() + 1)])
    rest = np.setdiff1d(np.arange(len(vals)), first)
    return rest, vals.astype(complex if complex_values else float), vals, group, first


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("complex_values", [False, True])
def test_rounds_confirm_near_misses_as_one_by_one(seed, complex_values, monkeypatch):
    rest, arr, vals, group, first = _groups(seed, complex_values)
    in_rounds = near_misses.matches(rest, arr, vals, group, first, RTOL, 8)
    monkeypatch.setattr(near_misses, "_ROUNDS", 0)          # every group value by value
    one_by_one = near_misses.matches(rest, arr, vals, group, first, RTOL, 8)
    assert in_rounds.tolist() == one_by_one.tolist()
    assert (one_by_one >= 0).any() and (one_by_one < 0).any()     # both answers occur


@pytest.mark.parametrize("rounds", [64, 0])
def test_a_full_bucket_takes_no_more_values(rounds, monkeypatch):
    # eight values apart from each other fill the bucket; a ninth apart value is new, and a
    # tenth close to the ninth is new too (the ninth is not in the bucket)
    monkeypatch.setattr(near_misses, "_ROUNDS", rounds)
    vals = np.array([1 + k * 1e-8 for k in range(9)] + [(1 + 8e-8) * (1 + 1e-12)], dtype=object)
    found = near_misses.matches(np.arange(1, 10), vals.astype(float), vals, np.zeros(10, dtype=np.int64),
                                np.array([0]), RTOL, 8)
    assert found.tolist() == [-1] * 9


def test_nan_is_its_own_number_only_as_the_same_object():
    nan = float("nan")
    vals = np.array([nan, nan, float("nan")], dtype=object)
    found = near_misses.matches(np.arange(3), vals.astype(float), vals, np.zeros(3, dtype=np.int64),
                                np.array([0]), RTOL, 8)
    assert found.tolist() == [0, 0, -1]


@pytest.mark.parametrize("seed", range(16))
@pytest.mark.parametrize("rounds", [8, 1, 0])
def test_first_occurrence_is_what_a_dict_in_trace_order_finds(seed, rounds, monkeypatch):
    # by hashing (several rounds, or one then a sort, or a sort alone), each key's first position
    monkeypatch.setattr(hashing, "_ROUNDS", rounds)
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 5000))
    span = [2, 60, 1 << 40, 1 << 63][seed % 4]
    columns = [rng.integers(-span, span, size=n, dtype=np.int64) for _ in range(1 + seed % 3)]
    seen: dict = {}
    expected = [seen.setdefault(key, i) for i, key in enumerate(zip(*(c.tolist() for c in columns)))]
    assert first_occurrence(*columns).tolist() == expected
