"""What the passes make of one trace (analyzer/passes/columns.py) is made once inside ``shared``:
the same read-only arrays for every pass, and every pass's result as it is without sharing."""
from __future__ import annotations

import numpy as np
import pytest

from analyzer.analysis import passes
from analyzer.ops import Op
from analyzer.passes import registry
from analyzer.passes.columns import OTHER, TYPES, columns, last_readers, reads, scalar_bytes, shared, value_types
from analyzer.trace import ArrayCost, Trace
from analyzer.traffic import traffic


def _trace() -> Trace:
    t = Trace()
    a, n = t.input("a", 2.0), t.input("n", 3)
    b = t.emit(Op.MUL, (a, a), 4.0)
    c = t.emit(Op.MUL, (a, a), 4.0)                     # redundant
    t.emit(Op.ADD, (b, n), 7.0)                         # dead
    d = t.emit(Op.MAX, (a, b, c), np.float64(4.0))      # three sources
    e = t.emit(Op.ADD, (d, t.const(1j)), 4 + 1j)
    t.emit(Op.LT, (a, n), True)
    t.outputs = (e,)
    return t


def test_inside_shared_each_is_made_once_and_read_only():
    t = _trace()
    with shared(t):
        c = columns(t)
        assert columns(t) is c and reads(t, c) is reads(t, c) and value_types(t) is value_types(t)
        assert last_readers(t) is last_readers(t)
        with pytest.raises(ValueError):
            c.codes[0] = 0
    assert columns(t) is not columns(t) and columns(t).codes.flags.writeable


def test_value_types_name_each_value_exactly():
    t = _trace()
    t.emit(Op.CALL, (), None)
    t.emit(Op.INPUT, (), [1.0])
    assert [TYPES[k] if k != OTHER else "other" for k in value_types(t)] == \
        [float, int, float, float, float, np.float64, complex, complex, bool, type(None), "other"]
    assert scalar_bytes(t).tolist() == [8, 8, 8, 8, 8, 8, 16, 16, 1, 8, 8]


def test_last_readers_are_each_values_last_reader_or_itself():
    t = _trace()
    expected = list(range(len(t)))
    for i in range(len(t)):
        for s in t.sources(i):
            expected[s] = max(expected[s], i)
    assert last_readers(t).tolist() == expected


def test_passes_find_inside_shared_what_each_finds_alone():
    t = _trace()
    alone = {p.name: p.run(t) for p in registry()}
    alone["traffic"] = traffic(t)
    assert passes(t).found == alone
    assert passes(t).cost == passes(t).cost and passes(t).cost.bytes == t.cost().bytes


def test_a_trace_with_arrays_too():
    t = _trace()
    x = t.input("x", np.ones(4))
    t.outputs = (t.emit(Op.ADD, (x, x), np.full(4, 2.0), ArrayCost(0, 4, 0, 32, "add")),)
    alone = {p.name: p.run(t) for p in registry()}
    alone["traffic"] = traffic(t)
    assert passes(t).found == alone and passes(t).cost == passes(t).cost


@pytest.mark.parametrize("seed", range(6))
def test_reads_are_first_sources_then_second_then_the_rest_each_in_record_order(seed):
    import random
    rng = random.Random(seed)
    t = Trace()
    ids = [t.input("x", 1.0), t.const(2.0)]
    for _ in range(rng.randint(0, 400)):
        arity = rng.choice([0, 1, 2, 2, 3, 4])
        ids.append(t.emit(Op.CALL, (), None) if arity == 0 else
                   t.emit(Op.MAX, tuple(rng.choice(ids) for _ in range(arity)), 1.0))
    records = list(t.records)
    expected = ([(r[1][0], i) for i, r in enumerate(records) if 1 <= len(r[1]) <= 2]
                + [(r[1][1], i) for i, r in enumerate(records) if len(r[1]) == 2]
                + [(s, i) for i, r in enumerate(records) if len(r[1]) > 2 for s in r[1]])
    src, reader = reads(t, columns(t))
    assert list(zip(src.tolist(), reader.tolist())) == expected
    assert src.dtype == reader.dtype == np.int32
