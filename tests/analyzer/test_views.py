"""The views: the report for every kind of verdict, stored results, and the public API."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from analyzer import AnalysisError, analyze, store
from analyzer.measurement import REFRESH_COMMAND
from analyzer.probe import catalog_probe_names, catalog_probe_path, load
from analyzer.report import render, render_all
from analyzer.analysis import measure

ONE_OF_EACH = ["memoization", "dead_code_elimination", "constant_folding", "inlining", "quantization",
               "strassen", "activation_checkpointing"]


def plain(fn, *args) -> str:
    buffer = io.StringIO()
    fn(*args, Console(file=buffer, width=110, no_color=True))
    return buffer.getvalue()


@pytest.mark.parametrize("name", ONE_OF_EACH)
def test_the_report_shows_costs_attribution_verdict_and_explanation(name):
    p = load(catalog_probe_path(name))
    result = measure(p, p.sizes[:2])
    out = plain(render, result)
    assert "\x1b[" not in out
    assert f"verdict: {result.verdict}" in out
    assert result.explanation.split()[0] in out
    for row in ("multiplications", "additions", "other flops", "bytes materialized", "calls", "unexplained"):
        assert row in out
    assert "growth exponent" in out     # two sizes ran
    assert f"{result.baseline.flops:,}" in out


def test_the_report_of_identical_versions_says_none(measure_source):
    result = measure_source("def baseline(x):\n    return x * 2.0\noptimized = baseline\n"
                            "def inputs(size):\n    return {'x': 1.5}\n")
    out = plain(render, result)
    assert "verdict: none" in out and "saves nothing" in out


def test_the_all_table_marks_agreement_and_errors():
    result = measure(load(catalog_probe_path("memoization")), (8,))
    out = plain(render_all, [("memoization", "caching", result), ("memoization-wrong", "inlining", result),
                             ("broken", "caching", "probe 'broken' timed out after 1 s")])
    lines = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("|") and "entry" not in line}
    assert "agree" in lines["memoization"] and "disagree" in lines["memoization-wrong"]
    assert "ERROR" in lines["broken"] and "timed out" in lines["broken"]


def test_the_public_api_runs_isolated_and_raises_one_line_errors():
    assert analyze("memoization", sizes=(8,)).verdict == "caching"
    with pytest.raises(AnalysisError, match="^probe 'nope': not a file and not a catalog probe$"):
        analyze("nope")
