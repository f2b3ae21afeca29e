"""Each (size, version) run gets a fresh probe module; SIZES is any iterable of positive ints,
and a probe that fails at one size says which size, instead of a verdict from the others."""
from __future__ import annotations

import pytest

from analyzer.probe import ProbeError, load

MODULE_CACHE = """
import numpy as np
SIZES = (4, 8)
_SQUARES = {}                       # module state: would carry traced values between runs

def inputs(size):
    return {"x": np.arange(float(size))}

def squares(x):
    if len(x) not in _SQUARES:
        _SQUARES[len(x)] = x * x    # n mults, traced into the run that first computes it
    return _SQUARES[len(x)]

def baseline(x):
    return squares(x) + 1.0         # n adds

def optimized(x):
    return squares(x) + 1.0
"""


def test_a_module_level_cache_does_not_leak_between_runs(measure_source):
    result = measure_source(MODULE_CACHE)
    for run in result.per_size:
        # each run computes its own n squares and n sums, whichever version ran first
        for cost in (run.baseline, run.optimized):
            assert (cost.mults, cost.adds) == (run.size, run.size)
    assert result.verdict == "none"


def test_a_module_level_counter_starts_afresh_for_every_run(measure_source):
    result = measure_source("""
        SIZES = (3, 5)
        CALLS = [0]
        def inputs(size):
            return {"x": float(size)}
        def baseline(x):
            CALLS[0] += 1
            if CALLS[0] > 1:        # a second run in the same module would take this branch
                raise RuntimeError("state leaked from an earlier run")
            return x * 2.0
        optimized = baseline
        """)
    assert result.equivalence == "equal"


@pytest.mark.parametrize("declared, sizes", [
    ("range(4, 13, 4)", (4, 8, 12)),
    ("[16, 8]", (8, 16)),
    ("(2 ** k for k in range(2, 4))", (4, 8)),
    ("(8, 8, 4)", (4, 8)),
])
def test_sizes_accepts_any_iterable_of_positive_ints(write_probe, declared, sizes):
    path = write_probe("sized", f"""
        SIZES = {declared}
        def inputs(size): return {{"x": float(size)}}
        def baseline(x): return x
        optimized = baseline
        """)
    assert load(path).sizes == sizes


@pytest.mark.parametrize("declared, says", [
    ("()", "it is empty"),
    ("[4, 0]", "0 is not one"),
    ("[4, 2.5]", "2.5 is not one"),
    ("[True]", "True is not one"),
    ("'48'", "not str"),
    ("8", "not int"),
])
def test_sizes_that_are_not_positive_ints_are_one_line_errors(write_probe, declared, says):
    path = write_probe("badsizes", f"""
        SIZES = {declared}
        def inputs(size): return {{"x": float(size)}}
        def baseline(x): return x
        optimized = baseline
        """)
    with pytest.raises(ProbeError, match="SIZES") as raised:
        load(path)
    assert says in str(raised.value) and "\n" not in str(raised.value)


def test_a_probe_that_fails_at_one_size_names_that_size(measure_source):
    source = """
        import numpy as np
        SIZES = (8, 12, 16)
        def inputs(size):
            return {"x": np.arange(float(size))}
        def radix2(x):
            n = x.shape[0]
            if n & (n - 1):
                raise ValueError(f"length {n} is not a power of two")
            return np.fft.fft(x)
        baseline = radix2
        optimized = radix2
        """
    with pytest.raises(ProbeError) as raised:
        measure_source(source)
    message = str(raised.value)
    assert "at size 12 of 8, 12, 16" in message and "not a power of two" in message and "\n" not in message
