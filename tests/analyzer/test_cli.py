"""The command line: report, JSON fields, options, and the fast stored-results path."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from analyzer.runner import REPO_ROOT

JSON_FIELDS = {"verdict", "equivalence", "max_rel_error", "cost", "savings", "attribution", "growth",
               "claim", "agrees"}
COST_FIELDS = {"ops", "mults", "adds", "flops", "bytes", "calls"}


def cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analyzer", *args], capture_output=True, text=True,
                          cwd=REPO_ROOT, timeout=60, env={**os.environ, **env})


def test_json_has_the_documented_fields():
    done = cli("fft", "--sizes", "8,16,32", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert JSON_FIELDS <= result.keys()
    assert COST_FIELDS <= result["cost"]["baseline"].keys() and COST_FIELDS <= result["cost"]["optimized"].keys()
    assert {"caching", "dead-code-elimination", "partial-evaluation", "inlining", "unexplained"} <= result["attribution"]["shares"].keys()
    assert result["growth"]["baseline"]["mults"] == pytest.approx(2.0)
    assert result["size"] == 32 and result["cost"]["baseline"]["mults"] == 32 * 32


def test_the_report_is_plain_when_piped_and_explains_with_numbers():
    done = cli("memoization", "--size", "12", NO_COLOR="1")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "\x1b[" not in out
    for part in ("outputs: equal", "multiplications", "additions", "calls", "caching", "verdict: caching",
                 "already computed"):
        assert part in out
    ops = json.loads(cli("memoization", "--size", "12", "--json").stdout)["cost"]["baseline"]["ops"]
    assert f"{ops:,}" in out


@pytest.mark.parametrize("args, message", [
    (["fft", "--size", "4", "--sizes", "4,8"], "give --size or --sizes, not both"),
    (["fft", "--sizes", "4,x"], "--sizes must be positive integers"),
    (["no_such_probe"], "probe 'no_such_probe': not a file and not a catalog probe"),
    ([], "name a probe file or a catalog id, or pass --all"),
])
def test_bad_options_are_one_line(args, message):
    done = cli(*args)
    assert done.returncode == 1
    assert len(done.stderr.strip().splitlines()) == 1 and message in done.stderr


def test_stored_results_load_with_json_only():
    code = ("import sys; before = set(sys.modules); from analyzer import store; store.load('fft'); "
            "print(sorted(m for m in set(sys.modules) - before if not m.startswith('analyzer')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT)
    assert done.returncode == 0, done.stderr
    # json may pull in `re` and friends on a bare interpreter; nothing heavy may come along
    imported = {m.split(".")[0] for m in json.loads(done.stdout.replace("'", '"'))}
    assert imported.isdisjoint({"numpy", "rich", "yaml", "jsonschema", "typer", "click", "torch"}), imported


def test_fast_memory_sets_the_traffic_model_and_a_large_one_hides_what_interchange_saves():
    done = cli(str(REPO_ROOT / "analyzer" / "probes" / "loop_interchange.py"), "--fast-memory", "2KiB", "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["fast_memory"] == 2048 and record["verdict"] == "caching"
    roomy = json.loads(cli(str(REPO_ROOT / "analyzer" / "probes" / "loop_interchange.py"),
                           "--fast-memory", "1MiB", "--json").stdout)
    assert roomy["fast_memory"] == 2**20 and roomy["verdict"] == "none"     # the whole matrix fits
    bad = cli("fft", "--fast-memory", "10B")
    assert bad.returncode == 1 and "--fast-memory: '10B' is too little" in bad.stderr
