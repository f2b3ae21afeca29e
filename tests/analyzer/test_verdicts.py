"""Verdicts on small hand-made probes, one per category, and the attribution behind them."""
from __future__ import annotations

import textwrap

import pytest

INPUTS = """
def inputs(size):
    return {"xs": [0.5 + k / (size + 1) for k in range(size)], "a": 1.5, "b": 0.25}
"""

PROBES = {
    "caching": """
        def baseline(xs, a, b):
            return [x * (a * b + 1.0) for x in xs]
        def optimized(xs, a, b):
            c = a * b + 1.0
            return [x * c for x in xs]
    """,
    "dead-code-elimination": """
        def baseline(xs, a, b):
            unused = [x * a - b for x in xs]
            return [x + b for x in xs]
        def optimized(xs, a, b):
            return [x + b for x in xs]
    """,
    "partial-evaluation": """
        STATIC = ("a", "b")
        def baseline(xs, a, b):
            c = (a * a - b) / (a + b)
            return [x * c for x in xs]
        def prepare(a, b):
            return {"c": (a * a - b) / (a + b)}
        def optimized(xs, c):
            return [x * c for x in xs]
    """,
    "inlining": """
        def shift(x, b):
            return x + b
        def scale(x, a):
            return shift(x * a, a)
        def baseline(xs, a, b):
            return [scale(x, a) for x in xs]
        def optimized(xs, a, b):
            return [x * a + a for x in xs]
    """,
    "ai-specific": """
        def baseline(xs, a, b):
            return [x ** 3 for x in xs]
        def optimized(xs, a, b):
            return [x * 0.75 for x in xs]     # a cheaper approximation
    """,
    "unexplained": """
        def baseline(xs, a, b):
            return [x * a + x * b for x in xs]
        def optimized(xs, a, b):
            return [x * (a + b) for x in xs]  # distributivity: an algebraic restructuring
    """,
    "none": """
        def baseline(xs, a, b):
            return [x * a + b for x in xs]
        def optimized(xs, a, b):
            return [x * a + b for x in xs]
    """,
}


def probe(body: str, header: str = "") -> str:
    return header + textwrap.dedent(body) + INPUTS


@pytest.mark.parametrize("category", list(PROBES))
def test_hand_made_probe_gets_its_category(category, measure_source):
    result = measure_source(probe(PROBES[category]), (16,))
    assert result.verdict == category, result.explanation


def test_two_identical_versions_save_nothing(measure_source):
    result = measure_source(probe(PROBES["none"]), (8,))
    assert all(v == 0 for v in result.savings.values())
    assert result.attribution.measure is None


def test_caching_is_credited_only_for_redundancy_the_optimization_removed(measure_source):
    # both versions recompute a * b per element; the optimized one merely drops "+ 1.0"
    source = """
        def baseline(xs, a, b):
            return [x * (a * b) + 1.0 - 1.0 for x in xs]
        def optimized(xs, a, b):
            return [x * (a * b) for x in xs]
    """
    result = measure_source(probe(source), (16,))
    assert result.attribution.shares["caching"] == 0
    assert result.evidence["baseline"].redundant_ops > 0


def test_shares_are_the_explained_work_over_the_savings(measure_source):
    result = measure_source(probe(PROBES["caching"]), (10,))
    a = result.attribution
    saved = result.baseline.flops - result.optimized.flops
    assert a.savings == saved
    # the baseline recomputes a*b and +1 for 9 of its 10 elements: 18 flops, all removed
    assert a.explained["caching"] == 18 == saved
    assert a.shares["caching"] == 1.0 and a.shares["unexplained"] == 0.0


def test_recomputation_that_saves_nothing_is_none(measure_source):
    source = """
        def baseline(xs, a, b):
            c = a * b
            return [x * c for x in xs]
        def optimized(xs, a, b):
            return [x * (a * b) for x in xs]
    """
    result = measure_source(probe(source), (8,))
    assert result.savings["flops"] == -7 and result.verdict == "none"


def test_recomputation_that_lowers_peak_memory_is_caching_in_reverse(measure_source):
    source = """
        import numpy as np
        def baseline(x):
            a = x * 2.0
            b = a * 3.0
            c = b * 4.0                 # a, b and c alive together
            return (c + b) + a
        def optimized(x):
            c = ((x * 2.0) * 3.0) * 4.0
            b = (x * 2.0) * 3.0         # recomputed instead of kept
            return (c + b) + x * 2.0
        def inputs(size):
            return {"x": np.linspace(0.0, 1.0, size)}
    """
    result = measure_source(textwrap.dedent(source), (100,))
    assert result.savings["flops"] == -300
    assert result.savings["peak_bytes"] == 800
    assert (result.verdict, result.direction) == ("caching", "reverse")
    assert result.attribution.shares["caching"] == 1.0


def test_claim_agreement_is_reported(measure_source):
    result = measure_source(probe(PROBES["caching"], header='CLAIM = "inlining"\n'), (4,))
    assert (result.claim, result.agrees) == ("inlining", False)


def test_hoisting_static_work_at_run_time_is_caching_and_moving_it_ahead_is_partial_evaluation(measure_source):
    baseline = """
        STATIC = ("a", "b")
        def baseline(xs, a, b):
            return [x * ((a * a - b) / (a + b)) for x in xs]
    """
    hoisted = baseline + """
        def optimized(xs, a, b):
            c = (a * a - b) / (a + b)
            return [x * c for x in xs]
    """
    prepared = baseline + """
        def prepare(a, b):
            return {"c": (a * a - b) / (a + b)}
        def optimized(xs, c):
            return [x * c for x in xs]
    """
    assert measure_source(probe(hoisted), (16,)).verdict == "caching"
    result = measure_source(probe(prepared), (16,))
    a = result.attribution
    # the 15 repeats are what a cache removes; the first computation only partial evaluation does
    assert a.explained["caching"] == 15 * 4 and a.explained["partial-evaluation"] == 4


def test_fusing_through_an_output_buffer_is_inlining(measure_source):
    # same calls and arithmetic; the optimized version writes the second step into the first's buffer
    source = """
        import numpy as np
        def baseline(a, b):
            t = a * 2.0
            return t + b
        def optimized(a, b):
            y = np.multiply(a, 2.0)
            np.add(y, b, out=y)
            return y
        def inputs(size):
            return {"a": np.linspace(0.0, 1.0, size), "b": np.linspace(1.0, 2.0, size)}
    """
    result = measure_source(textwrap.dedent(source), (64,))
    assert result.savings["flops"] == 0 and result.savings["bytes"] == 64 * 8
    assert result.attribution.measure == "bytes"
    assert result.verdict == "inlining", result.explanation


def test_savings_no_mechanism_accounts_for_are_unexplained_not_a_tie(measure_source):
    # the same work in a different order frees an array earlier: only peak memory drops
    source = """
        import numpy as np
        def baseline(x):
            a = x * 2.0
            b = x * 3.0
            c = x * 4.0
            return (a + b) + c
        def optimized(x):
            s = x * 2.0 + x * 3.0
            return s + x * 4.0
        def inputs(size):
            return {"x": np.linspace(0.0, 1.0, size)}
    """
    result = measure_source(textwrap.dedent(source), (64,))
    saved = result.savings
    assert saved["flops"] == 0 and saved["peak_bytes"] > 0
    assert result.verdict == "unexplained", result.explanation
