"""Arrays a probe makes from a shape or from a list (np.empty((n, d)), np.array([a, b])) are traced
values (analyzer.tracers.numpy_module): rows written into them stay in the trace, work on them
is counted, and the probe's module gets its own numpy back after the run."""
from __future__ import annotations

import numpy as np
import pytest

from analyzer.analysis import measure, passes, trace_version
from analyzer.ops import Op
from analyzer.probe import load


def traced(write_probe, source: str, size: int = 4, version: str = "baseline"):
    probe = load(write_probe("factories", source))
    out, trace, _ = trace_version(probe, version, size)
    return out, trace, passes(trace)


def input_id(trace, name: str) -> int:
    return next(i for i, n in trace.input_names.items() if n == name)


ROWS_INTO_A_BUFFER = """
    import numpy as np
    def inputs(size):
        return {"x": np.arange(size * 3, dtype=float).reshape(size, 3), "n": size}
    def baseline(x, n):
        cache = np.empty((n, 3))        # a shape read from an input
        for t in range(n):
            cache[t] = x[t] * 2.0       # n rows of 3 multiplications
        return cache.sum()              # 3n - 1 additions
    optimized = baseline
"""


def test_rows_written_into_a_buffer_made_from_a_shape_stay_in_the_trace(write_probe):
    out, trace, m = traced(write_probe, ROWS_INTO_A_BUFFER, size=5)
    assert out == 2.0 * sum(range(15))
    assert m.evidence()["escapes"] == 0
    assert (m.cost.mults, m.cost.adds) == (15, 14)      # by hand: 5 rows x 3, then 15 - 1
    allocs = [i for i in range(len(trace)) if trace.node(i).op is Op.ALLOC]
    assert [trace.node(i).extra.name for i in allocs] == ["empty"]
    assert input_id(trace, "n") in trace.sources(allocs[0])        # the shape's n is read


def test_a_factory_imported_by_name_is_traced_too(write_probe):
    _, trace, m = traced(write_probe, """
        from numpy import zeros
        def inputs(size):
            return {"x": [float(i) for i in range(size)]}
        def baseline(x):
            acc = zeros(2)
            for v in x:
                acc += v                # one addition per element of the 2-element buffer
            return acc
        optimized = baseline
    """, size=3)
    assert m.evidence()["escapes"] == 0
    assert m.cost.adds == 3 * 2


def test_a_list_of_traced_numbers_becomes_one_traced_array(write_probe):
    out, trace, m = traced(write_probe, """
        import numpy as np
        def inputs(size):
            return {"a": 1.5, "b": 2.5}
        def baseline(a, b):
            v = np.array([a * 2.0, b * 2.0, 7.0])
            return v @ v                # 3 mults, 2 adds
        optimized = baseline
    """)
    assert out == 3.0 ** 2 + 5.0 ** 2 + 49.0
    assert (m.cost.mults, m.cost.adds) == (2 + 3, 2)
    assert m.evidence()["escapes"] == 0
    concat = [i for i in range(len(trace)) if trace.node(i).op is Op.CONCAT]
    assert len(concat) == 1 and len(trace.sources(concat[0])) == 3     # a * 2, b * 2, the constant 7


def test_converting_a_traced_array_keeps_numpy_semantics(write_probe):
    _, trace, m = traced(write_probe, """
        import numpy as np
        def inputs(size):
            return {"x": np.ones(4)}
        def baseline(x):
            same = np.asarray(x)            # no copy: the same traced value
            copy = np.array(x)              # a copy
            single = np.asarray(x, dtype=np.float32)
            return same, copy, single
        optimized = baseline
    """)
    ops = [trace.node(i).op for i in range(len(trace))]
    assert ops.count(Op.COPY) == 1 and ops.count(Op.CAST) == 1
    assert trace.outputs[0] == input_id(trace, "x")
    assert m.evidence()["escapes"] == 0


def test_a_dead_row_written_into_a_made_buffer_is_dead_code(write_probe):
    """The buffer's last row is written, never read: its multiplications are dead (by hand: 3)."""
    _, _, m = traced(write_probe, """
        import numpy as np
        def inputs(size):
            return {"x": np.ones((size, 3))}
        def baseline(x):
            rows = np.zeros((len(x), 3))
            for t in range(len(x)):
                rows[t] = x[t] * 3.0
            return rows[:-1].sum(axis=1)
        optimized = baseline
    """)
    assert m.liveness.work(m.trace) == 3


def test_the_probe_gets_its_own_numpy_back_even_when_the_version_raises(write_probe):
    probe = load(write_probe("raises", """
        import numpy as np
        from numpy import zeros
        def inputs(size):
            return {"x": np.ones(2)}
        def baseline(x):
            np.empty(3)
            raise ValueError("boom")
        optimized = baseline
    """))
    module = probe.module
    with pytest.raises(Exception):
        trace_version(probe, "baseline", 1)
    assert module.np is np and module.zeros is np.zeros


def test_measuring_a_cache_kept_in_a_made_buffer_reads_caching(measure_source):
    """Projections of every prefix against projections kept in an np.empty buffer: the baseline
    recomputes t - 1 rows at step t, (n - 1) n / 2 rows of d x d multiplications in all."""
    result = measure_source("""
        import numpy as np
        D = 4
        def inputs(size):
            rng = np.random.default_rng(size)
            return {"x": rng.standard_normal((size, D)), "w": rng.standard_normal((D, D))}
        def baseline(x, w):
            out = []
            for t in range(1, len(x) + 1):
                out.append((x[:t] @ w).sum())
            return np.array(out)
        def optimized(x, w):
            cache = np.empty((len(x), D))
            out = []
            for t in range(1, len(x) + 1):
                cache[t - 1] = x[t - 1] @ w
                out.append(cache[:t].sum())
            return np.array(out)
    """, sizes=(6,))
    n, d = 6, 4
    assert result.verdict == "caching"
    assert result.evidence["optimized"].escapes == 0
    assert result.baseline.mults - result.optimized.mults == (n - 1) * n // 2 * d * d


def test_the_shape_of_a_buffer_whose_first_contents_no_one_reads_is_live(write_probe):
    """np.empty's contents are dead (every element read is written first), but the buffer must
    exist: the addition that sizes it is live work, not dead code."""
    _, _, m = traced(write_probe, """
        import numpy as np
        def inputs(size):
            return {"x": np.ones((size, 3)), "n": size}
        def baseline(x, n):
            rows = np.zeros((n + 1, 3))     # one spare row, never read
            for t in range(n):
                rows[t] = x[t] * 2.0
            return rows[:n].sum(axis=1)
        optimized = baseline
    """)
    assert m.liveness.work(m.trace) == 0


UNWRITTEN_ROWS = """
    import numpy as np
    def inputs(size):
        return {"x": np.arange(size * 3, dtype=float).reshape(size, 3), "n": size}
    def baseline(x, n):
        cache = np.empty((n, 3))
        like = np.empty_like(x)
        cache[0] = x[0]
        like[0] = x[0]
        return cache[:1].sum() + like[:1].sum()
    optimized = baseline
"""


def test_memory_a_probe_leaves_unwritten_holds_nan_not_what_the_allocator_had(write_probe):
    # np.empty of a freed buffer's size often returns that buffer: filled with the rows a
    # later write would put there, two versions of the cache would number as one value
    freed = np.arange(4 * 3, dtype=float).reshape(4, 3) * 2.0
    del freed
    _, trace, _ = traced(write_probe, UNWRITTEN_ROWS, size=4)
    allocs = [i for i in range(len(trace)) if trace.node(i).op is Op.ALLOC]
    assert [trace.node(i).extra.name for i in allocs] == ["empty", "empty_like"]
    for i in allocs:
        first = trace.value(i)
        assert first.shape == (4, 3) and np.isnan(first[1:]).all()
