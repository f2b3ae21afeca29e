"""A trace stores its records column-wise; ``trace.records`` reads and appends them as tuples."""
from __future__ import annotations

import tracemalloc

import pytest

from analyzer.ops import Op
from analyzer.trace import ArrayCost, Trace
from analyzer.trace import _CHUNK as CHUNK
from analyzer.tracers.scalar import Scalar, scalar


def _emitted() -> tuple[Trace, list[tuple]]:
    """A trace of records of every shape, and the tuples they were made from."""
    t, made = Trace(), []

    def add(rec):
        t.records.append(rec)
        made.append(rec)

    add((Op.INPUT, (), 2.0, 0, None))
    add((Op.CONST, (), 3, 0, None))
    add((Op.NEG, (0,), -2.0, 0, None))
    add((Op.MUL, (0, 1), 6.0, 0, None))
    add((Op.MAX, (0, 1, 2, 3), 6.0, 0, None))                   # three or more sources
    add((Op.MATMUL, (3, 3), 36.0, 0, ArrayCost(1, 0, 0, 8, "matmul")))
    caller = t.enter("helper")
    made.append((Op.CALL, (), None, 1, None))
    add((Op.ADD, (3, 5), 42.0, 1, None))
    add((Op.ESCAPE, (6,), None, 0, None))                        # a record of another function than the running one
    t.fn = caller
    add((Op.SUB, (6, 0), 40.0, 0, None))
    return t, made


def test_records_read_back_as_they_were_appended():
    t, made = _emitted()
    assert len(t.records) == len(made)
    assert [t.records[i] for i in range(len(made))] == made
    assert list(t.records) == made
    assert t.records[-1] == made[-1]


def test_iteration_and_indexing_agree_across_chunks():
    t = Trace()
    x = scalar(0.5, t.input("x", 0.5), t)
    for k in range(CHUNK + 100):
        x = -x if k % 7 == 0 else x * 1.0001
    assert len(t) > CHUNK
    assert list(t.records) == [t.records[i] for i in range(len(t))]


def test_a_value_can_be_replaced_but_not_the_op():
    t, made = _emitted()
    op, srcs, _, fn, extra = made[3]
    t.records[3] = (op, srcs, 7.0, fn, extra)
    assert t.records[3] == (op, srcs, 7.0, fn, extra)
    with pytest.raises(ValueError):
        t.records[3] = (Op.ADD, srcs, 7.0, fn, extra)


def test_a_scalar_trace_holds_under_100_bytes_per_record():
    tracemalloc.start()
    try:
        t = Trace()
        x = scalar(0.3, t.input("x", 0.3), t)
        for _ in range(20_000):
            x = (x * (1.0 - x)) * 3.9
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held / len(t) < 100
