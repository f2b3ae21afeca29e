"""What `unexplained` is made of: values the optimized version computes that the baseline never does."""
from __future__ import annotations

from analyzer.analysis import measure_size, trace_version
from analyzer.probe import catalog_probe_path, load
from analyzer.residue import novel_work

DISTRIBUTIVE = """
def inputs(size):
    # no value repeats or coincides: every sum and product is distinct
    return {"xs": [1 + k / 7 for k in range(size)], "ys": [100 + 3.3 * k for k in range(size)], "c": 0.37}

def baseline(xs, ys, c):
    return [x * c + y * c for x, y in zip(xs, ys)]       # 2 mults, 1 add per element

def optimized(xs, ys, c):
    return [(x + y) * c for x, y in zip(xs, ys)]         # the sum x + y is a value the baseline never has
"""


def test_the_distributive_law_shows_as_one_new_value_per_element(write_probe):
    size = 10
    result = measure_size(load(write_probe("distributive", DISTRIBUTIVE)), size)
    # per element the optimized version does (x + y) -- new -- and * c, whose result equals the baseline's output
    assert novel_work(result.baseline.trace, result.optimized.trace) == size
    assert result.verdict.category == "unexplained"


def test_the_explanation_names_the_new_values(measure_source):
    record = measure_source(DISTRIBUTIVE, (10,))
    assert "10 of the optimized version's 20 flops compute values the baseline never computes" in record.explanation


def test_memoization_computes_nothing_new():
    probe = load(catalog_probe_path("memoization"))
    result = measure_size(probe, probe.sizes[-1])
    assert novel_work(result.baseline.trace, result.optimized.trace) == 0


ROWS_OF_A_PADDED_BATCH = """
import numpy as np

def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((size, 8)), "w": rng.standard_normal((8, 8))}

def baseline(x, w):
    padded = np.concatenate([x, np.zeros((2, 8))])        # two rows of padding
    return np.tanh(padded @ w)[:-2]

def optimized(x, w):
    return np.tanh(x @ w)[:, :4]                          # the real rows, and half their columns
"""


def test_rows_the_baseline_computed_as_part_of_a_larger_value_are_not_new(write_probe):
    size = 6
    result = measure_size(load(write_probe("padded", ROWS_OF_A_PADDED_BATCH)), size)
    # x @ w and its tanh are the baseline's values without their 2 padding rows: each of their
    # rows is a row the baseline computed. Nothing else in the optimized version has flops.
    assert novel_work(result.baseline.trace, result.optimized.trace) == 0


SHIFTED_ROWS = """
import numpy as np

def inputs(size):
    rng = np.random.default_rng(size)
    shift = np.zeros((size, 8))
    shift[size // 2:] = 1.0
    return {"x": rng.standard_normal((size, 8)), "w": rng.standard_normal((8, 8)), "shift": shift}

def baseline(x, w, shift):
    return np.tanh(x @ w)

def optimized(x, w, shift):
    return np.tanh(x @ w + shift)
"""


def test_a_value_counts_by_the_share_of_its_rows_the_baseline_never_has(write_probe):
    size = 6
    probe = load(write_probe("shifted", SHIFTED_ROWS))
    _, baseline, _ = trace_version(probe, "baseline", size)
    _, optimized, _ = trace_version(probe, "optimized", size)
    # x @ w is the baseline's value (not new). + shift: 6 x 8 adds, and tanh: 6 x 8 other flops;
    # in both, the first half of the rows (shift 0) are rows the baseline has, the other half new
    assert optimized.cost().flops == size * 8 * 8 + size * 7 * 8 + 2 * size * 8
    assert novel_work(baseline, optimized) == 2 * (size * 8) // 2
