"""The array tracer: one record per numpy call, flops from shapes, bytes materialized."""
from __future__ import annotations

import numpy as np

from analyzer.ops import Op
from analyzer.trace import Trace
from analyzer.tracers import run


def array_records(t: Trace):
    return [t.node(i) for i in range(len(t)) if t.node(i).extra is not None]


def test_matmul_flops_follow_shapes():
    m, k, n = 3, 5, 4
    t = Trace()
    run(lambda a, b: a @ b, {"a": np.ones((m, k)), "b": np.ones((k, n))}, t)
    (rec,) = array_records(t)
    assert rec.op is Op.MATMUL
    assert (rec.extra.mults, rec.extra.adds) == (m * k * n, m * (k - 1) * n)
    assert rec.extra.bytes == m * n * 8


def test_one_record_per_numpy_call():
    t = Trace()
    run(lambda x: np.exp(x * 2.0 + 1.0).sum(), {"x": np.ones(10)}, t)
    assert [r.op for r in array_records(t)] == [Op.MUL, Op.ADD, Op.EXP, Op.SUM]
    assert t.cost().launches == 4


def test_views_materialize_nothing_and_out_writes_in_place():
    t = Trace()

    def f(x):
        y = x.T[0]                      # views
        z = x * 2.0
        np.add(z, 1.0, out=z)           # written into z
        return y, z
    run(f, {"x": np.ones((4, 4))}, t)
    by_name = {r.extra.name: r.extra.bytes for r in array_records(t)}
    assert by_name["transpose"] == 0 and by_name["getitem"] == 0 and by_name["add"] == 0
    assert by_name["multiply"] == 16 * 8


def test_scalars_and_arrays_mix():
    t = Trace()
    out = run(lambda x, s: (x * s).sum() + s, {"x": np.arange(3.0), "s": 2.0}, t)
    assert out == 8.0
    assert t.node(t.outputs[0]).op is Op.ADD and t.node(t.outputs[0]).extra is None


def test_a_write_keeps_the_earlier_value():
    t = Trace()

    def f(buf):
        before = buf * 1.0
        buf[0] = 5.0
        return before, buf
    out = run(f, {"buf": np.zeros(3)}, t)
    assert out[0].tolist() == [0.0, 0.0, 0.0] and out[1].tolist() == [5.0, 0.0, 0.0]
    first_input = next(i for i in range(len(t)) if t.node(i).op is Op.INPUT)
    assert t.value(first_input).tolist() == [0.0, 0.0, 0.0]


def fill_cell_by_cell(x):
    table = np.zeros_like(x)
    n = len(x)
    for i in range(n):
        for j in range(n):
            table[i, j] = x[i, j] * 2.0 + (table[i - 1, j] if i else 0.0)
    return table


def test_a_table_filled_cell_by_cell_is_not_copied_at_every_write():
    """Each write makes a version; one that a small write made and that is read only cell by
    cell is never needed whole, so it is not copied (filling n x n cells would copy the table
    n^2 times): it is overwritten. The zeros, made by no write, are copied once."""
    t = Trace()
    out = run(fill_cell_by_cell, {"x": np.ones((30, 30))}, t)
    writes = sum(1 for r in t.records if r[0] is Op.SETITEM)
    assert writes == 900 and len(t.snapshots) == 1
    assert len(t.overwritten) == 899       # every version a write made, but the last
    assert t.value(t.outputs[0]) is out and out[29, 0] == 60.0


def test_a_version_read_whole_before_the_next_write_is_kept():
    def sums_between_writes(x):
        a = x * 1.0
        first = a.sum()         # reads the version whole
        a[0] = 5.0
        return first, a
    t = Trace()
    run(sums_between_writes, {"x": np.arange(3.0)}, t)
    (kept, value), = t.snapshots.items()
    assert np.array_equal(value, [0.0, 1.0, 2.0]) and t.value(kept) is value and not t.overwritten
