"""Array values that leave the trace are counted (Trace.escaped_arrays), so a record says what it
could not see: work on an array made before the run (a module-level buffer) is not traced."""
from __future__ import annotations

import numpy as np

from analyzer.analysis import passes
from analyzer.trace import Trace
from analyzer.tracers import run


def escapes(fn, **inputs) -> int:
    trace = Trace()
    run(fn, inputs, trace)
    return passes(trace).evidence()["escapes"]


BUFFER = np.empty((4, 3))           # made before the run: not a traced value


def into_a_buffer_made_outside(x):
    cache = BUFFER
    for t in range(4):
        cache[t] = x[t] * 2.0       # each row leaves the trace
    return cache.sum()              # untraced work, whose result enters as a constant


def into_a_buffer_made_from_a_traced_value(x):
    cache = np.empty_like(x)        # traced
    for t in range(4):
        cache[t] = x[t] * 2.0
    return cache.sum()


def test_rows_written_into_an_untraced_array_are_counted_as_leaving_the_trace():
    assert escapes(into_a_buffer_made_outside, x=np.ones((4, 3))) == 4


def test_an_array_made_from_a_traced_value_keeps_its_rows_in_the_trace():
    assert escapes(into_a_buffer_made_from_a_traced_value, x=np.ones((4, 3))) == 0


def test_a_scalar_made_a_plain_number_is_not_counted_as_an_array():
    assert escapes(lambda x: float(x.sum()) + 1.0, x=np.ones(3)) == 0
