"""Array results the probe dropped are released from the trace; the passes read their summaries
and measure what they measured on the arrays (``analyzer.tracers.array_release``)."""
from __future__ import annotations

import weakref

import numpy as np
import pytest

from analyzer.analysis import passes
from analyzer.array_summary import ArraySummary, row_keys, summarize
from analyzer.passes.content_hash import row_hashes
from analyzer.passes.redundancy import ValueNumbers
from analyzer.trace import Trace
from analyzer.tracers import array_release, run


@pytest.fixture
def release_at_once(monkeypatch):
    """Sweep at every numpy call, so every value the probe dropped is released."""
    monkeypatch.setattr(array_release, "RELEASE_AFTER", 0)


def never_release(monkeypatch) -> None:
    monkeypatch.setattr(array_release.Release, "sweep", lambda self: None)


def measured(fn, inputs) -> tuple[Trace, tuple]:
    trace = Trace()
    run(fn, inputs, trace)
    m = passes(trace, 4096)
    return trace, (m.cost, m.evidence())


REFS: list = []     # weak references to the raw array of each step's result


def chain(x, w):
    for _ in range(6):
        x = np.tanh(x * 0.5 + w)
        REFS.append(weakref.ref(x.a))
    return (x @ w) + (x @ w)                # the second product repeats the first


def aliasing(x, w):
    buf = np.zeros((8, 8))
    np.multiply(x, 2.0, out=buf)            # written in place
    view = buf[2:6]
    view += w[:4]                           # a write through a view
    buf[0, 0] = 1.0
    unused = x * 3.0                        # computed, never reaching the output  # noqa: F841
    top = np.exp(buf[:4]) + (x * 4.0)[:4]   # half of x * 4.0 is never read
    return top @ w


def inputs() -> tuple[np.ndarray, np.ndarray]:
    return tuple(np.random.default_rng(1).standard_normal((2, 8, 8)))


def test_an_intermediate_the_probe_dropped_is_released(release_at_once):
    x, w = inputs()
    REFS.clear()
    trace = Trace()
    out = run(chain, {"x": x, "w": w}, trace)
    assert len(REFS) == 6 and all(r() is None for r in REFS)    # gone, though the trace recorded them
    assert trace.values[trace.outputs[0]] is out                # the output stays
    assert sum(type(v) is ArraySummary for v in trace.values) >= 2 * len(REFS)


def test_released_values_measure_as_kept_ones(release_at_once, monkeypatch):
    x, w = inputs()
    released, figures = measured(chain, {"x": x, "w": w})
    never_release(monkeypatch)
    kept, expected = measured(chain, {"x": x, "w": w})
    assert not any(type(v) is ArraySummary for v in kept.values)
    assert figures == expected
    assert figures[1]["redundant_ops"] == 1         # found on summaries: the repeated product


def test_writes_and_views_keep_their_arrays_and_their_figures(release_at_once, monkeypatch):
    x, w = inputs()
    released, figures = measured(aliasing, {"x": x, "w": w})
    written = [i for i in released.written]
    assert written and all(type(released.values[i]) is np.ndarray for i in written)
    assert any(type(v) is ArraySummary for v in released.values)     # (what the probe dropped)
    never_release(monkeypatch)
    _, expected = measured(aliasing, {"x": x, "w": w})
    assert figures == expected
    assert figures[1]["dead_ops"] > 0


def test_a_reused_address_is_a_new_allocation(release_at_once, monkeypatch):
    """numpy hands a freed block to the next array of its size: traffic must not take the two for one."""
    def steps(x):
        for _ in range(20):
            x = x * 1.5
        return x
    x = np.ones((64, 64))
    released, figures = measured(steps, {"x": x})
    addresses = [v.address for v in released.values if type(v) is ArraySummary]
    assert len(set(addresses)) < len(addresses)      # the case at hand: addresses were reused
    never_release(monkeypatch)
    _, expected = measured(steps, {"x": x})
    assert figures == expected


def test_a_summary_keeps_the_content_keys_of_its_array():
    a = np.random.default_rng(2).standard_normal((5, 20))
    s = summarize(a)
    assert (row_keys(s) == row_hashes(a)).all() and s.nbytes == a.nbytes and s.strides == a.strides
    trace = Trace()
    ids = [trace.input("a", a), trace.const(s)]
    numbers = ValueNumbers(trace)
    assert numbers.of(ids[0]) == numbers.of(ids[1])


def test_a_released_value_is_the_same_value_up_to_last_bit_noise():
    """The tolerance needs contents: a summary is the same value with the same rounded contents."""
    a = np.linspace(1.0, 2.0, 40).reshape(2, 20)
    trace = Trace()
    first, noisy, other = (trace.const(summarize(v)) for v in (a, a * (1 + 1e-15), a * (1 + 1e-3)))
    numbers = ValueNumbers(trace)
    assert numbers.of(first) == numbers.of(noisy) != numbers.of(other)


def test_float32_and_boolean_results_are_kept(release_at_once):
    def version(x):
        y = (x.astype(np.float32) * 2).astype(np.float32)
        mask = x > 0
        z = np.where(mask, x, 0.0) * 2
        return z.sum() + y.sum()
    trace = Trace()
    run(version, {"x": inputs()[0]}, trace)
    kept = {v.dtype.kind + str(v.dtype.itemsize) for v in trace.values if type(v) is np.ndarray}
    assert {"f4", "b1"} <= kept
    assert not any(v.dtype in (np.float32, np.bool_) for v in trace.values if type(v) is ArraySummary)
