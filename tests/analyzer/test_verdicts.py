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
    # moved into prepare, all 16 computations of the static value are partial evaluation
    assert a.explained["caching"] == 0 and a.explained["partial-evaluation"] == 16 * 4
    assert result.verdict == "partial-evaluation"


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


INTERPRETER = """
STATIC = ("program",)

def inputs(size):
    # a tiny static program: each instruction (scale, shift) is decoded by two flops
    return {"xs": [0.25 * k for k in range(size)], "program": [[1.5, 0.5], [2.0, -1.0], [0.5, 0.25]]}

def decode(instruction):
    scale, shift = instruction
    return scale * 2.0, shift + 1.0

def run(decoded, x):
    for scale, shift in decoded:
        x = x * scale + shift
    return x

def baseline(xs, program):
    # the textbook interpreter: decodes the (static) program again for every input
    return [run([decode(i) for i in program], x) for x in xs]

def prepare(program):
    return {"decoded": [decode(i) for i in program]}

def optimized(xs, decoded):
    return [run(decoded, x) for x in xs]
"""


def test_a_specialized_interpreter_is_partial_evaluation_even_though_the_baseline_repeated_the_decoding(
        measure_source):
    size = 16
    result = measure_source(INTERPRETER, (size,))
    decoding = 3 * 2            # three instructions, two flops each, per input
    assert result.baseline.flops - result.optimized.flops == size * decoding
    assert result.attribution.explained["partial-evaluation"] == size * decoding
    assert result.attribution.explained["caching"] == 0
    assert result.verdict == "partial-evaluation"


def test_the_same_repeats_removed_at_run_time_are_caching(measure_source):
    hoisted = INTERPRETER.replace('STATIC = ("program",)', "STATIC = ()").replace(
        "def prepare(program):\n    return {\"decoded\": [decode(i) for i in program]}\n", "").replace(
        "def optimized(xs, decoded):\n    return [run(decoded, x) for x in xs]",
        "def optimized(xs, program):\n    decoded = [decode(i) for i in program]\n"
        "    return [run(decoded, x) for x in xs]")
    result = measure_source(hoisted, (16,))
    assert result.attribution.explained["caching"] == 15 * 6     # every decoding after the first
    assert result.verdict == "caching"


FUSED_WITH_BOOKKEEPING = """
def inputs(size):
    return {"xs": [0.5 + k / (size + 1) for k in range(size)]}

def square(x):
    return x * x

def accumulate(total, y):
    return total + y

def baseline(xs):
    total = xs[0] - xs[0]
    for x in xs:
        total = accumulate(total, square(x))
    return total

def optimized(xs):
    total = xs[0] - xs[0]
    for x in xs:
        total = total + x * x
    return total * xs[0] / xs[0]      # two flops of bookkeeping the baseline does not do
"""


def test_negligible_extra_arithmetic_does_not_outweigh_the_calls_saved(measure_source):
    size = 200
    result = measure_source(FUSED_WITH_BOOKKEEPING, (size,))
    assert result.optimized.flops - result.baseline.flops == 2          # of 2 * size + 1
    assert result.evidence["baseline"].calls - result.evidence["optimized"].calls == 2 * size
    assert result.attribution.measure == "boundaries"
    assert result.verdict == "inlining"


def test_a_real_arithmetic_saving_still_decides_over_one_call_saved():
    from analyzer.analysis import measure
    from analyzer.probe import catalog_probe_path, load

    result = measure(load(catalog_probe_path("constant_folding")), (128,))
    calls = result.evidence["baseline"].calls - result.evidence["optimized"].calls
    assert calls == 1 and result.savings["flops"] > 0          # one call and 24 flops saved
    assert result.attribution.measure == "flops" and result.verdict == "partial-evaluation"
