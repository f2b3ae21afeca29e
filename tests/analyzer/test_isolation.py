"""Isolation and bad input: one clear line, exit status 1, no traceback; the others finish."""
from __future__ import annotations

import subprocess
import sys

import pytest

from analyzer import AnalysisError
from analyzer.command import analyze_command
from analyzer.runner import REPO_ROOT, Job, analyze_all, run_probe

GOOD = """
def inputs(size):
    return {"x": 2.0}
def baseline(x):
    return x * x + x * x
def optimized(x):
    return 2.0 * (x * x)
"""

BAD = {
    "raises": (GOOD.replace("return 2.0 * (x * x)", "return 1 / 0"),
               "probe 'raises': optimized raised ZeroDivisionError: division by zero (line 7)"),
    "hangs": (GOOD.replace("return 2.0 * (x * x)", "while True:\n        pass"),
              "probe 'hangs' timed out after 2 s"),
    "explodes": (GOOD.replace("return 2.0 * (x * x)", "return [x] * 10**10"),
                 "probe 'explodes' ran out of memory (limit 2 GiB)"),
    "invalid": ("def baseline(x):\n    return x +\n", "probe 'invalid' is not valid Python: line 2: invalid syntax"),
    "incomplete": ("def baseline(x):\n    return x\n",
                   "probe 'incomplete' lacks optimized, inputs (a probe defines baseline, optimized and inputs)"),
}


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=60)


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_probe_is_one_line_naming_it_and_its_cause(name, write_probe):
    source, message = BAD[name]
    path = write_probe(name, source)
    with pytest.raises(AnalysisError) as err:
        run_probe(Job(name, path), timeout=2)
    assert str(err.value) == message


@pytest.mark.parametrize("name", list(BAD))
def test_the_cli_prints_one_line_and_exits_1_without_traceback(name, write_probe):
    source, message = BAD[name]
    done = cli(str(write_probe(name, source)), "--timeout", "2")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"error: {message}"]


def test_under_all_the_others_finish(write_probe):
    jobs = [Job("good", write_probe("good", GOOD)), Job("raises", write_probe("raises", BAD["raises"][0])),
            Job("hangs", write_probe("hangs", BAD["hangs"][0]))]
    results = analyze_all(jobs, timeout=2)
    assert results["good"]["verdict"] == "caching"
    assert results["raises"] == BAD["raises"][1]
    assert results["hangs"] == BAD["hangs"][1]


def test_all_marks_a_failed_entry_in_the_table_and_exits_1(capsys):
    catalog = {"memoization": ("memoization", "caching"), "ghost": ("no_such_probe", "caching")}
    status = analyze_command(None, all_probes=True, size=10, sizes=None, timeout=30, as_json=False,
                             catalog_probes=catalog)
    out = capsys.readouterr().out
    assert status == 1
    assert "ERROR" in out and "ghost" in out
    assert "memoization" in out and "agree" in out


def test_probe_output_does_not_corrupt_the_result(write_probe):
    path = write_probe("chatty", GOOD.replace("def baseline(x):", "def baseline(x):\n    print('{not json')"))
    assert run_probe(Job("chatty", path))["verdict"] == "caching"
