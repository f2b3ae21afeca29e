"""The hostile-input corpus: each file in hostile/ gives exactly the problems its header names.

A file starts with one or more `# expect: LINE:COL: message` lines; `…` in a message stands for
any text (a path, a list of choices). Every expected problem must be reported, at its place and
in full, beside the valid examples, which stay valid. The corpus of tests/taxonomy/examples/
invalid holds the older cases (one expectation each, matched as a prefix).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from taxonomy.validate import validate_catalog

from contrib_helpers import EXAMPLES, HOSTILE

CASES = sorted(HOSTILE.glob("*.yaml"))


def expectations(path: Path) -> list[tuple[int, int, re.Pattern]]:
    """(line, col, pattern of the whole message) for each `# expect:` line at the top of the file."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"# expect: (\d+):(\d+): (.+)$", line)
        if not match:
            break
        pattern = ".*".join(re.escape(piece) for piece in match.group(3).split("…"))
        found.append((int(match.group(1)), int(match.group(2)), re.compile(pattern + "$")))
    return found


def test_the_corpus_covers_the_reported_cases():
    assert len(CASES) >= 20
    assert all(expectations(path) for path in CASES), "every case names its problems"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_each_case_reports_every_expected_problem_in_place(tmp_path, path):
    for valid in (EXAMPLES / "valid").glob("*.yaml"):
        shutil.copy(valid, tmp_path)
    shutil.copy(path, tmp_path)

    problems = validate_catalog(tmp_path).problems

    mine = [p for p in problems if Path(p.path).name == path.name]
    for line, col, pattern in expectations(path):
        assert any((p.line, p.col) == (line, col) and pattern.match(p.message) for p in mine), \
            f"expected {line}:{col}: {pattern.pattern}, got {[str(p) for p in mine]}"
    assert [str(p) for p in problems if Path(p.path).name != path.name] == [], "the valid files stay valid"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_no_two_problems_of_a_case_share_a_place_and_say_the_same(tmp_path, path):
    shutil.copy(path, tmp_path)
    lines = [str(p) for p in validate_catalog(tmp_path).problems]
    assert len(lines) == len(set(lines))
