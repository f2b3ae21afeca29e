"""A trace stores its records column-wise; ``trace.records`` reads and appends them as tuples."""
from __future__ import annotations

import tracemalloc

import pytest

from analyzer.ops import Op
from analyzer.recorder import COMPILED
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


def test_sources_read_while_recording_stay_in_order_with_what_follows():
    """Operators append sources to lists that ``src0``/``src1`` move into the arrays when read;
    reading in the middle of a run, then recording more, keeps every record's sources."""
    t = Trace()
    x = scalar(2.0, t.input("x", 2.0), t)
    y = x * x                                       # (0, 0)
    assert (list(t.src0), list(t.src1)) == ([-1, 0], [-1, 0])
    z = 3.0 - y                                     # const 3.0 is record 2; (2, 1)
    w = -z                                          # (3,)
    t.emit(Op.MAX, (0, 1, 3, 4), 9.0)               # three or more sources: WIDE
    assert [t.sources(i) for i in range(len(t))] == [(), (0, 0), (), (2, 1), (3,), (0, 1, 3, 4)]
    assert len(t.src0) == len(t.src1) == len(t.ops) == len(t.values)
    assert w.v == 1.0


@pytest.mark.skipif(COMPILED is not None, reason="the compiled recorder keeps waiting sources as int32, in C: "
                    "no stretches (test_compiled_recorder runs this file with the pure tracer)")
def test_a_loop_longer_than_a_stretch_moves_its_sources_as_it_goes(write_probe, monkeypatch):
    from analyzer.probe import load
    from analyzer.tracers import instrumented, run
    monkeypatch.setattr(instrumented, "_STRETCH", 8)
    p = load(write_probe("loop", "def baseline(n):\n    s = 0.0\n    for i in range(n):\n        s = s + i\n"
                                 "    return s\n\noptimized = baseline\n\ndef inputs(size):\n    return {'n': size}\n"))
    t = Trace()
    seen = []
    real_unpack = t.unpack

    def unpack():
        seen.append(len(t.values))
        real_unpack()
    t.unpack = unpack
    assert run(p.module.baseline, {"n": 20}, t, p.module) == sum(range(20))
    n = min(t.input_names)                          # the input n
    counters = [i for i in range(len(t)) if t.node(i).op is Op.INDEX and t.node(i).value is not None]
    assert len(counters) == 20 and all(t.sources(i) == (n,) for i in counters)
    adds = [i for i in range(len(t)) if t.node(i).op is Op.ADD]
    assert [t.sources(i)[1] for i in adds] == counters  # s + i reads that iteration's counter
    assert len(seen) >= 3                           # moved every 8 iterations, not only at the end


@pytest.mark.parametrize("version", ["scalar", "numpy"])
def test_a_trace_is_freed_when_its_last_reference_goes(version):
    """Nothing in a traced run refers back to its trace: it goes, with every value it recorded, as
    soon as the analysis lets go of it, not at the collector's next full pass (a run of several
    sizes would otherwise hold all their traces, and the memory they were in is faulted in again)."""
    import gc
    import weakref

    import numpy as np

    from analyzer.analysis import passes
    from analyzer.tracers import run

    def scalar_code(x):
        return x * 2.0 + 1.0

    def numpy_code(a):
        return (a * 2.0).sum() + a[0]

    t = Trace()
    if version == "scalar":
        run(scalar_code, {"x": 1.5}, t)
    else:
        run(numpy_code, {"a": np.arange(4.0)}, t)
    passes(t)
    assert t.records[0][0] is Op.INPUT
    gone = weakref.ref(t)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del t
        assert gone() is None
    finally:
        if was_enabled:
            gc.enable()
