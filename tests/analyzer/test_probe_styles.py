"""Probes written in everyday Python styles get exact counts and the verdict the method defines.

Each probe in tests/analyzer/probe_styles/ reaches its work another way than a module-level
function called by name on traced inputs: methods, closures, dict dispatch, lambdas,
functools.partial, lru_cache, literal accumulators and base cases, range counters, nested
helpers, comparisons handed to builtins. The expected counts are derived by hand below, from the
probe's source.
"""
from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

from analyzer.analysis import measure, passes, trace_version
from analyzer.probe import load

STYLES = Path(__file__).parent / "probe_styles"


class Counts(NamedTuple):
    mults: int
    adds: int          # additions and subtractions
    calls: int         # bodies of the probe's own functions entered (the version itself included)


class Expected(NamedTuple):
    size: int
    baseline: Counts
    optimized: Counts
    verdict: str


def stairs_calls(n: int) -> int:
    """Calls of the naive ``ways(n)``: C(0) = C(1) = 1, C(n) = 1 + C(n-1) + C(n-2)."""
    a, b = 1, 1
    for _ in range(n - 1):
        a, b = b, 1 + a + b
    return b if n >= 1 else a


n = 16
EXPECTED = {
    # f.apply(x) = x * scale + shift per element; __init__ once, apply n times
    "methods": Expected(n, Counts(n, n, 1 + 1 + n), Counts(n, n, 1), "inlining"),
    # baseline: gain() = a*a + 1 per element, then x * gain; optimized: gain once
    "closures": Expected(n, Counts(2 * n, n, 1 + n), Counts(1 + n, 1, 1 + 1), "caching"),
    # program mul 3, add 1, mul 0.5: two handler mults and one add per element, 3 handler calls
    "dict_dispatch": Expected(n, Counts(2 * n, n, 1 + 3 * n), Counts(2 * n, n, 1), "inlining"),
    # three lambdas per element (x*x, x+1, x*3), only the first used
    "lambdas": Expected(n, Counts(2 * n, n, 1 + 3 * n), Counts(n, 0, 1 + n), "dead-code-elimination"),
    # x * (a*b) through a partial per element; optimized: x * ab, ab from prepare
    "partial_application": Expected(n, Counts(2 * n, 0, 1 + n), Counts(n, 0, 1 + n), "partial-evaluation"),
    # ways(k) = ways(k-1) + ways(k-2) down to the literal 1s: 3 add/sub per inner call;
    # lru_cache enters the body once per k = 12 .. 0, 11 of them inner
    "lru_cache_recursion": Expected(12, Counts(0, 3 * (stairs_calls(12) - 1) // 2, 1 + stairs_calls(12)),
                                    Counts(0, 3 * 11, 1 + 13), "caching"),
    # total = total + i*i for i < 100; closed form (n-1)*n*(2n-1)//6: 3 mults, 2 subs
    "literal_accumulator": Expected(100, Counts(100, 100, 1), Counts(3, 2, 1), "unexplained"),
    # side 8: a[i*side + j] * s per element; optimized: i*side once per row
    "range_counters": Expected(8, Counts(2 * 64, 64, 1), Counts(8 + 64, 64, 1), "caching"),
    # term(x, y) = x*y and accumulate(acc, v) = acc + v per pair
    "nested_helpers": Expected(n, Counts(n, n, 1 + 2 * n), Counts(n, n, 1), "inlining"),
    # v*v per element for max, a tally add and a sum add per element; the baseline's list of
    # v*3.0 is never read; summary() entered once
    "comparisons": Expected(n, Counts(2 * n, 2 * n, 1 + 1), Counts(n, 2 * n, 1 + 1), "dead-code-elimination"),
}


def test_every_style_probe_has_expected_counts():
    assert sorted(p.stem for p in STYLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_counts_and_verdict(name):
    want = EXPECTED[name]
    probe = load(STYLES / f"{name}.py")
    m = measure(probe, (want.size,))
    got = {v: Counts(c.mults, c.adds, c.calls) for v, c in (("baseline", m.baseline), ("optimized", m.optimized))}
    assert got == {"baseline": want.baseline, "optimized": want.optimized}
    assert m.equivalence == "equal"
    assert m.verdict == want.verdict == probe.claim


def test_tests_are_live_through_what_reads_them():
    """A comparison is a traced bool: sorted and max branch on theirs, the tally hashes its key,
    sum adds them, so all are live. Dead: the n products of the unread list, and the tally's
    adds for the key False (never returned): xs[k] = (7k mod 11) / 11, whose numerators for
    k < 16 are 0 7 3 10 6 2 9 5 1 8 4 0 7 3 10 6; 8 of them are at most 5 (at most t = 0.5)."""
    _, trace, _ = trace_version(load(STYLES / "comparisons.py"), "baseline", 16)
    dead = [trace.node(i).op.value for i in passes(trace).liveness.dead]
    assert sorted(dead) == ["add"] * 8 + ["mul"] * 16


def test_naive_recursion_compares_once_per_call():
    _, trace, _ = trace_version(load(STYLES / "lru_cache_recursion.py"), "baseline", 12)
    assert trace.cost().other == stairs_calls(12)      # `n < 2` in every call, literal base cases or not


def test_a_loop_of_ten_thousand_literal_squares_counts_twenty_thousand_flops(write_probe):
    path = write_probe("squares", """
        N = 10_000
        def inputs(size):
            return {}
        def baseline():
            total = 0
            for i in range(N):
                total = total + i * i
            return total
        optimized = baseline
    """)
    out, trace, _ = trace_version(load(path), "baseline", 1)
    m = passes(trace)
    assert out == sum(i * i for i in range(10_000))
    assert (m.cost.mults, m.cost.adds, m.cost.flops) == (10_000, 10_000, 20_000)
    # the counters are constants, not work: everything is foldable ahead of time
    assert len(m.staging.static) == 20_000


def test_counters_of_a_dynamic_bound_are_not_static(write_probe):
    """range(n) with n an input: the loop's length is not known ahead of time."""
    path = write_probe("dynamic_bound", """
        def inputs(size):
            return {"n": size}
        def baseline(n):
            total = 0
            for i in range(n):
                total = total + i * i
            return total
        optimized = baseline
    """)
    _, trace, _ = trace_version(load(path), "baseline", 50)
    m = passes(trace)
    assert (m.cost.mults, m.cost.adds) == (50, 50)
    assert len(m.staging.static) == 0


def test_counters_of_a_static_bound_are_static(write_probe):
    path = write_probe("static_bound", """
        STATIC = ("n",)
        def inputs(size):
            return {"n": size, "x": 2.0}
        def baseline(n, x):
            total = 0
            for i in range(n // 2):
                total = total + i * i
            return total * x
        optimized = baseline
    """)
    _, trace, _ = trace_version(load(path), "baseline", 20)
    m = passes(trace)
    assert (m.cost.mults, m.cost.adds, m.cost.other) == (10 + 1, 10, 1)
    assert len(m.staging.static) == 10 + 10 + 1       # n // 2 and the loop; not the product with x
