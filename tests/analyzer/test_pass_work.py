"""The work a pass finds (``Redundancy.work``, ``Liveness.work``, ``Trace.work_of``), summed in
numpy, is the sum a loop over the records makes: the same number, of the same kind."""
from __future__ import annotations

import random

import numpy as np
import pytest

from analyzer.ops import Op
from analyzer.passes.liveness import Liveness
from analyzer.passes.redundancy import Redundancy
from analyzer.passes.shares import Shares
from analyzer.trace import ArrayCost, Trace


def _trace(seed: int) -> Trace:
    rng = random.Random(seed)
    t = Trace()
    ids = [t.input("x", 1.5)]
    for _ in range(300):
        if rng.random() < 0.2:
            cost = ArrayCost(rng.randint(0, 10**6), rng.randint(0, 10**6), rng.randint(0, 99), 8, "matmul")
            ids.append(t.emit(Op.MATMUL, (rng.choice(ids), rng.choice(ids)), 0.0, cost))
        else:
            ids.append(t.emit(rng.choice([Op.ADD, Op.MUL, Op.EXP, Op.LT, Op.NEG]), (rng.choice(ids),), 0.0))
    return t


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("part", [None, 0, 1, 2])
def test_work_is_the_sum_of_a_loop(seed, part):
    t = _trace(seed)
    rng = random.Random(seed)
    works = t.works(part)
    chosen = rng.sample(range(len(t)), 120)
    shares = {i: rng.choice([1.0, 0.5, 1 / 3, rng.random()]) for i in chosen}
    dead = frozenset(rng.sample(range(len(t)), 90))

    loop = _added_in_order(f * works[i] for i, f in shares.items())
    assert Redundancy(shares, 0).work(t, part) == loop and type(Redundancy(shares, 0).work(t, part)) is float
    assert t.work_of(dead, part) == sum(works[i] for i in dead) and type(t.work_of(dead, part)) is int
    assert t.work_of(chosen + chosen[:5], part) == sum(works[i] for i in chosen + chosen[:5])
    live = Liveness(dead, 0, shares)
    assert live.work(t, part) == sum(map(works.__getitem__, dead)) + loop


def _added_in_order(terms) -> float:
    """The terms added one at a time, as a loop does (``sum`` of floats did until Python 3.12,
    which compensates its rounding)."""
    total = 0
    for term in terms:
        total += term
    return total


def test_no_work_is_the_integer_zero():
    t = _trace(0)
    assert Redundancy({}, 0).work(t) == 0 and type(Redundancy({}, 0).work(t)) is int
    assert type(Liveness(frozenset(), 0, {}).work(t)) is int and t.work_of(()) == 0


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("part", [None, 0, 1, 2])
def test_shares_held_as_arrays_are_the_dict_they_stand_for(seed, part):
    # Redundancy keeps what it finds as two arrays (ids ascending, shares): the same mapping, and
    # the same work to the last bit, as the dict a loop would build
    t = _trace(seed)
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(t)), 150))
    shares = {i: rng.choice([1.0, 0.5, 1 / 3, rng.random()]) for i in chosen}
    held = Shares(np.array(chosen, dtype=np.int64), np.array([shares[i] for i in chosen]))
    assert held == shares and list(held) == list(shares) and dict(held.items()) == shares
    assert len(held) == len(shares) and all(held[i] == shares[i] for i in chosen)
    assert held.get(-5, 0.0) == 0.0 and (chosen[0] in held) and (max(chosen) + 1 not in held)
    assert Redundancy(held, 0).work(t, part) == Redundancy(shares, 0).work(t, part)
