"""Value numbering in numpy finds exactly the repeats a plain sweep in trace order finds.

``redundant_ops`` numbers the scalar values of a trace all at once and finds repeated
(op, operand numbers) keys with a sort. ``sweep`` below is the definition it must agree
with: one record at a time, a value takes the number of the first earlier value of its
rounded key that is within RTOL of it, and an op is redundant when an earlier op had its key.
"""
from __future__ import annotations

import math
import random

import numpy as np
import pytest

from analyzer.ops import COMMUTATIVE, Op
from analyzer.passes.redundancy import _IDENTITY, _PURE, RTOL, _float_keys_array, redundant_ops
from analyzer.trace import Trace

MAX_BUCKET = 8


def _key(value):
    if type(value) in (float, complex):
        kr, ki = (_float_keys_array(np.asarray([x], dtype=float))[0].item()
                  for x in (complex(value).real, complex(value).imag))
        return (kr, ki) if ki != 2048 else kr
    return hash(value)


def _close(a, b):
    return a == b or abs(a - b) <= RTOL * max(abs(a), abs(b))


def sweep(trace: Trace) -> dict[int, float]:
    """The redundant scalar ops of ``trace``, one record at a time (scalar traces only)."""
    records, buckets, numbers, seen, redundant = trace.records, {}, {}, set(), {}

    def number(i):
        if i not in numbers:
            value = records[i][2]
            bucket = buckets.setdefault(_key(value), [])
            numbers[i] = next((n for rep, n in bucket if rep is value or _close(rep, value)), None)
            if numbers[i] is None:
                numbers[i] = len(numbers) + 10**6 * len(buckets)
                if len(bucket) < MAX_BUCKET:
                    bucket.append((value, numbers[i]))
        return numbers[i]

    for i, (op, srcs, value, _, _) in enumerate(records):
        if type(value) in (float, complex):
            number(i)           # floats are numbered in trace order, whether read or not
        if op not in _PURE or not srcs:
            continue
        if op in _IDENTITY:
            left, right = _IDENTITY[op]
            a, b = records[srcs[0]], records[srcs[-1]]
            if (b[0] is Op.CONST and b[2] == right and type(b[2]) is not bool) or \
                    (left is not None and a[0] is Op.CONST and a[2] == left and type(a[2]) is not bool):
                continue
        found = [number(s) for s in srcs]
        if op in COMMUTATIVE and len(found) == 2:
            found.sort()
        key = (op, *found)
        if key in seen:
            redundant[i] = 1.0
        seen.add(key)
    return redundant


def _random_trace(seed: int) -> Trace:
    """Scalar ops over values chosen to collide: repeats, last-bit neighbours, NaN, zeros,
    complex numbers, ints and bools, constants 0 and 1, one-, two- and three-operand ops."""
    rng = random.Random(seed)
    t = Trace()
    ids = [t.input("x", 0.1), t.input("y", 0.2), t.input("n", 3)]
    pool = [0.3, 0.1 + 0.2, 1e-300, -0.0, 0.0, math.nan, math.inf, 2.5, 2.5 * (1 + 3e-10), 1 + 1j,
            (1 + 1j) * (1 + 1e-12), 7, 8, True, False, 0, 1, 1.0, 3]
    for _ in range(400):
        kind = rng.random()
        if kind < 0.15:
            ids.append(t.const(rng.choice(pool)))
            continue
        op = rng.choice([Op.ADD, Op.MUL, Op.SUB, Op.DIV, Op.POW, Op.NEG, Op.MAX, Op.HYPOT, Op.LT])
        arity = 1 if op is Op.NEG else 3 if op is Op.MAX and kind > 0.9 else 2
        srcs = tuple(rng.choice(ids) for _ in range(arity))
        ids.append(t.emit(op, srcs, rng.choice(pool)))
    return t


@pytest.mark.parametrize("seed", range(12))
def test_numpy_numbering_finds_the_repeats_a_sweep_finds(seed):
    trace = _random_trace(seed)
    expected = sweep(trace)
    found = redundant_ops(trace)
    assert found.fraction == expected and list(found.fraction) == list(expected)
    assert found.ops == len(expected)


def test_the_sweep_is_a_real_reference():
    # a trace with a repeat and a near-repeat: the reference itself must see both
    t = Trace()
    a, b = t.input("a", 0.1), t.input("b", 0.2)
    t.emit(Op.MUL, (a, b), 0.02)
    t.emit(Op.MUL, (b, a), 0.02)
    c = t.emit(Op.ADD, (a, b), 0.30000000000000004)
    d = t.input("c", 0.3)
    t.emit(Op.NEG, (c,), -0.3)
    t.emit(Op.NEG, (d,), -0.3)
    assert sweep(t) == {3: 1.0, 7: 1.0} == redundant_ops(t).fraction


@pytest.mark.parametrize("seed", range(4))
def test_near_misses_are_numbered_as_a_sweep_numbers_them(seed):
    # values that round to an earlier value's key but differ from it by more than RTOL: some
    # alone in their key (numbered in numpy), some several to a key (confirmed one by one),
    # interleaved; an op on each is redundant only where its operands are the same values
    rng = random.Random(seed)
    t = Trace()
    x = t.input("x", 0.5)
    values = []
    for k in range(600):
        if values and rng.random() < 0.4:
            near = rng.choice(values) * (1 + rng.choice((1e-8, -1e-8, 3e-8)))    # same key, not close
            value = near if rng.random() < 0.7 else rng.choice(values)
        else:
            value = rng.random() * 2.0 ** rng.randint(-3, 3)
        values.append(value)
        v = t.emit(Op.NEG, (x,), value)
        t.emit(Op.MUL, (v, x), 1.0)
    expected = sweep(t)
    assert len(expected) > 50
    assert redundant_ops(t).fraction == expected


@pytest.mark.parametrize("seed", range(4))
def test_float_keys_are_the_rounded_mantissa_and_the_exponent(seed):
    rng = np.random.default_rng(seed)
    values = rng.standard_normal(2000) * 10.0 ** rng.integers(-300, 300, 2000)
    values[:6] = [0.0, -0.0, 5e-324, -1e-310, 1.7e308, 0.5 + 2**-26]      # zeros, subnormals, a tie
    expected = [round(m * 2**24) * 4096 + e + 2048 for m, e in map(math.frexp, values.tolist())]
    assert _float_keys_array(values.copy()).tolist() == expected


@pytest.mark.parametrize("seed", range(4))
def test_near_misses_within_and_beyond_rtol_of_one_another(seed):
    # values of one rounded key at distances about RTOL: within it of some (taking their number,
    # though not equal) and beyond it of others; keys none of whose values are within RTOL of
    # another are numbered without comparing them (every near miss new), the others as a sweep
    rng = random.Random(seed)
    t = Trace()
    x = t.input("x", 0.5)
    leads = [rng.random() * 2.0 ** rng.randint(-3, 3) for _ in range(60)]
    for k in range(1500):
        which = rng.randrange(len(leads))
        if which % 3 == 0:          # dense: many pairs within RTOL, none equal
            value = leads[which] * (1 + rng.uniform(-3e-9, 3e-9))
        elif which % 3 == 1:        # sparse: 5 RTOL and more apart, some equal
            value = leads[which] * (1 + 5e-9 * rng.randint(-20, 20))
        else:                       # a NaN now and then
            value = float("nan") if k % 5 == 0 else leads[which] * (1 + 4e-9 * rng.randint(-3, 3))
        v = t.emit(Op.NEG, (x,), value)
        t.emit(Op.MUL, (v, x), 1.0)
    expected = sweep(t)
    assert len(expected) > 100
    assert redundant_ops(t).fraction == expected
