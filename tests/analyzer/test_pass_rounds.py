"""Liveness and staging in numpy rounds (one per link of the longest dead or static chain) find
what their record-by-record sweeps find, and fall back to the sweeps when chains are long."""
from __future__ import annotations

import random

import pytest

from analyzer.ops import Op
from analyzer.passes import liveness, staging
from analyzer.trace import Trace


def random_program(seed: int) -> Trace:
    """Inputs (some STATIC), constants, ops of one to three sources, guards, few outputs: dead
    work and static work of every depth."""
    rng = random.Random(seed)
    t = Trace()
    pool = [t.input(f"x{k}", float(k), static=rng.random() < 0.4) for k in range(rng.randint(1, 6))]
    pool += [t.const(float(k)) for k in range(rng.randint(0, 2))]
    for _ in range(rng.randint(5, 300)):
        op = rng.choice((Op.ADD, Op.MUL, Op.NEG, Op.WHERE, Op.BRANCH, Op.LT, Op.CALL))
        if op is Op.CALL:
            t.emit(op, (), None)
            continue
        arity = {Op.NEG: 1, Op.BRANCH: 1, Op.WHERE: 3}.get(op, 2)
        srcs = tuple(rng.choice(pool[-4:] if rng.random() < 0.8 else pool) for _ in range(arity))
        i = t.emit(op, srcs, None if op is Op.BRANCH else 1.0)
        pool.append(i)
    t.outputs = tuple(rng.sample(pool, rng.randint(1, 2)))
    return t


def results(t: Trace) -> tuple:
    live, static = liveness.dead_ops(t), staging.static_ops(t)
    return live.dead, live.peak_bytes, live.dead_rows, static.static


@pytest.mark.parametrize("seed", range(40))
def test_rounds_find_what_the_sweeps_find(seed, monkeypatch):
    t = random_program(seed)
    in_rounds = results(t)
    monkeypatch.setattr(liveness, "_unreached", lambda *args: None)
    monkeypatch.setattr(staging, "_static_in_rounds", lambda *args: None)
    assert results(t) == in_rounds


def chain(length: int, static: bool) -> Trace:
    """x, x + 1, (x + 1) + 1, ... ``length`` adds; the output is x itself."""
    t = Trace()
    x = t.input("x", 0.0, static=static)
    one, v = t.const(1.0), x
    for k in range(length):
        v = t.emit(Op.ADD, (v, one), float(k + 1))
    t.outputs = (x,)
    return t


@pytest.mark.parametrize("length", [3, 200])
def test_a_dead_chain_of_any_length_is_dead(length):
    assert len(liveness.dead_ops(chain(length, static=False)).dead) == length


@pytest.mark.parametrize("length", [3, 200])
def test_a_static_chain_of_any_length_is_static(length):
    assert len(staging.static_ops(chain(length, static=True)).static) == length
    assert not staging.static_ops(chain(length, static=False)).static


@pytest.mark.parametrize("seed", range(20))
def test_peak_bytes_is_the_largest_total_alive_at_one_record(seed):
    # (a scalar trace's peak is summed in int32: the same figure as a loop over the records)
    from itertools import accumulate

    from analyzer.ops import ARITHMETIC
    from analyzer.trace import SCALAR_BYTES
    t = random_program(seed)
    for k in range(seed % 3):           # values of other sizes: ints, complex numbers, bools
        t.outputs += (t.emit(Op.ADD, (t.outputs[0], t.outputs[0]), [3, 1j, True][k]),)
    n, last = len(t), list(range(len(t)))
    for i in range(n):
        for s in t.sources(i):
            last[s] = max(last[s], i)
    for o in t.outputs:
        last[o] = n
    delta = [0] * (n + 2)
    for i, (op, _, value, _, _) in enumerate(t.records):
        if op in ARITHMETIC:
            delta[i] += SCALAR_BYTES.get(type(value), 8)
            delta[last[i] + 1] -= SCALAR_BYTES.get(type(value), 8)
    assert liveness.dead_ops(t).peak_bytes == max(0, max(accumulate(delta)))
