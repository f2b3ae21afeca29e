"""Dead stores into arrays: a write overwritten, element by element, before any read is dead.

Each function writes into an array of 4 float64 elements; the dead flops beside it are
counted by hand from the writes that no later read can see.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from analyzer.passes.liveness import dead_ops
from analyzer.trace import Trace
from analyzer.tracers import run


def dead_flops(fn: Callable[..., Any]) -> int:
    t = Trace()
    run(fn, {"x": np.arange(4.0), "y": np.ones(4)}, t)
    return dead_ops(t).work(t)


def whole_store_overwritten(x, y):
    a = x * 1.0             # 4 mults: overwritten whole by the next line
    a[:] = x * 2            # 4 mults: overwritten whole by the next line
    a[:] = y + 1            # 4 adds: the output
    return a


def part_of_a_store_survives(x, y):
    a = x + 0.0             # 4 adds: a[2:] survives, so it is live
    a[:2] = x[:2] * 3       # 2 mults: overwritten below
    a[:2] = y[:2]
    return a


def overwritten_piece_by_piece(x, y):
    a = x * 1.0             # 4 mults: every element overwritten by the two halves below
    a[:2] = y[:2]
    a[2:] = y[2:]
    return a


def through_out(x, y):
    o = np.empty_like(x)
    np.multiply(x, 2, out=o)        # 4 mults: overwritten whole
    np.add(y, 1, out=o)             # 4 adds: the output
    return o


def through_augmented_assignment(x, y):
    a = x * 1.0             # 4 mults: overwritten by the next line
    a[:] = y * 3            # 4 mults: read by the += below, then that result is overwritten
    a += 1                  # 4 adds: overwritten whole by copyto
    np.copyto(a, y)
    return a


def through_a_view(x, y):
    a = x * 1.0             # 4 mults: overwritten whole below
    v = a[1:3]
    v[:] = y[:2] * 5        # 2 mults: written through the view, then overwritten through a
    a[:] = y
    return a


def live_through_a_view(x, y):
    a = x * 1.0             # live: a[0] and a[3] reach the output
    v = a[1:3]
    v[:] = y[:2] * 5        # live: the output reads it through a
    return a


def single_elements(x, y):
    a = x * 1.0             # live: a[2] and a[3] survive
    a[0] = y[0] * 7         # 1 mult: overwritten by the next line
    a[0] = y[1]
    a[1] = y[2] * 9         # live
    return a


def read_before_overwritten(x, y):
    a = x * 2               # live: a.sum() reads it before the overwrite
    s = a.sum()
    a[:] = y
    return a + s


def read_through_a_slice(x, y):
    a = np.zeros_like(x)
    a[:2] = x[:2] * 2       # 2 mults: the slice below shows them
    a[2:] = y[2:] + 1       # 2 adds: no read shows them
    return a[:2]


def read_through_a_row(x, y):
    a = np.zeros_like(x).reshape(2, 2)
    a[0] = x[:2] * 2        # 2 mults: no read shows them
    a[1] = y[2:] * 3        # 2 mults: the row below shows them
    return a[1] + 0.0       # 2 adds, live


@pytest.mark.parametrize("fn, dead", [
    (read_through_a_slice, 2),
    (read_through_a_row, 2),
    (whole_store_overwritten, 8),
    (part_of_a_store_survives, 2),
    (overwritten_piece_by_piece, 4),
    (through_out, 4),
    (through_augmented_assignment, 12),
    (through_a_view, 6),
    (live_through_a_view, 0),
    (single_elements, 1),
    (read_before_overwritten, 0),
], ids=lambda v: v.__name__ if callable(v) else str(v))
def test_a_store_overwritten_before_any_read_is_dead(fn, dead):
    assert dead_flops(fn) == dead


def test_the_output_is_the_last_version_of_the_buffer():
    t = Trace()
    out = run(through_a_view, {"x": np.arange(4.0), "y": np.ones(4)}, t)
    assert np.array_equal(out, np.ones(4)) and t.value(t.outputs[0]) is not None


def test_dead_store_elimination_reads_as_dead_code_elimination(measure_source):
    # baseline: a fill of 2n mults overwritten before any read; optimized: only the live store
    result = measure_source("""
        import numpy as np
        SIZES = (16,)
        def inputs(size):
            return {"x": np.arange(float(size))}
        def baseline(x):
            out = np.empty_like(x)
            out[:] = x * x * 3.0
            out[:] = x + 1.0
            return out
        def optimized(x):
            out = np.empty_like(x)
            out[:] = x + 1.0
            return out
        """)
    assert result.evidence["baseline"].dead_flops == 32 and result.evidence["optimized"].dead_flops == 0
    assert result.verdict == "dead-code-elimination"
