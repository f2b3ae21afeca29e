"""What `unexplained` is made of: values the optimized version computes that the baseline never does."""
from __future__ import annotations

from analyzer.analysis import measure_size
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
