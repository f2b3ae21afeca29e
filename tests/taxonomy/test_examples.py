"""Example folders: every valid file validates; every invalid one gives exactly the error it names.

Each invalid file's first line says what it must produce: `# expect: LINE:COL: message`
(or `# expect: message` where no position applies).
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from taxonomy.validate import validate_catalog

EXAMPLES = Path(__file__).parent / "examples"
INVALID = sorted((EXAMPLES / "invalid").glob("*.yaml"))


def expectation(path: Path) -> tuple[int | None, int | None, str]:
    first = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
    match = re.match(r"# expect: (?:(\d+):(\d+): )?(.+)$", first)
    assert match, f"{path.name} must start with '# expect: ...'"
    line, col, message = match.groups()
    return (int(line) if line else None, int(col) if col else None, message)


def test_valid_examples_have_no_problems():
    result = validate_catalog(EXAMPLES / "valid")
    assert [str(p) for p in result.problems] == []
    assert result.files == 2


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_example_reports_its_error(tmp_path, path):
    for valid in (EXAMPLES / "valid").glob("*.yaml"):
        shutil.copy(valid, tmp_path)
    shutil.copy(path, tmp_path)
    line, col, message = expectation(path)

    problems = validate_catalog(tmp_path).problems

    mine = [p for p in problems if Path(p.path).name == path.name]
    assert any(message in p.message and (line is None or (p.line, p.col) == (line, col)) for p in mine), \
        f"expected {line}:{col}: {message!r}, got {[str(p) for p in mine]}"
    assert [p for p in problems if Path(p.path).name != path.name] == [], "the valid files stay valid"


def test_python_tag_is_never_executed(tmp_path):
    marker = Path("/tmp/taxo-pwned")
    marker.unlink(missing_ok=True)
    shutil.copy(EXAMPLES / "invalid" / "python-tag.yaml", tmp_path)
    validate_catalog(tmp_path)
    assert not marker.exists()


def test_all_invalid_files_reported_in_one_run(tmp_path):
    for path in [*INVALID, *(EXAMPLES / "valid").glob("*.yaml")]:
        shutil.copy(path, tmp_path)
    reported = {Path(p.path).name for p in validate_catalog(tmp_path).problems}
    assert reported == {p.name for p in INVALID}
