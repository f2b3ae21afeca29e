"""Hostile files: each gets a clear error, and nothing else happens (issue 5).

The corpus itself is tests/taxonomy/examples/invalid/ and tests/contributing/hostile/ (one file
per case, its expected errors at the top); these tests add what a single file cannot show: time, memory, side effects, the CLI.
"""
from __future__ import annotations

import hashlib
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from taxonomy.loader import display_path as display
from taxonomy.validate import validate_catalog
from taxonomy.yaml_source import MAX_BYTES, read_document

from contrib_helpers import EXAMPLES, HOSTILE, run_validate

INVALID = sorted([*(EXAMPLES / "invalid").glob("*.yaml"), *HOSTILE.glob("*.yaml")])
VALID = sorted((EXAMPLES / "valid").glob("*.yaml"))
BASE = (EXAMPLES / "valid" / "memo-table.yaml").read_text(encoding="utf-8")


def entry(ident: str, extra: str = "") -> str:
    """A valid entry (the memo-table example) under another id and name, plus `extra` lines."""
    return BASE.replace("id: memo-table", f"id: {ident}").replace("name: Memo table", f"name: Entry {ident}") + extra


def digest(root: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.iterdir())}


def test_the_corpus_is_large(hostile_catalog):
    assert len(INVALID) >= 50


def test_every_bad_file_is_reported_in_one_cli_run_without_a_traceback(hostile_catalog):
    result = run_validate(hostile_catalog)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    reported = {line.split(":", 1)[0].rsplit("/", 1)[-1] for line in result.stdout.splitlines()[:-1]}
    assert reported == {p.name for p in INVALID}, "every invalid file, and no valid one"
    assert result.stdout.splitlines()[-1].endswith(f"of {len(INVALID) + len(VALID)} files")


@pytest.mark.parametrize("report_format", ["text", "json", "github"])
def test_validate_never_modifies_a_file(hostile_catalog, report_format):
    before = digest(hostile_catalog)
    run_validate(hostile_catalog, "--format", report_format)
    assert digest(hostile_catalog) == before


def test_github_format_annotates_each_problem_with_its_line(hostile_catalog):
    result = run_validate(hostile_catalog, "--format", "github")
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) >= len(INVALID)
    assert any(",line=" in line and "typo-field.yaml" in line for line in annotations)


def test_python_tags_are_never_run(tmp_path):
    marker = tmp_path / "pwned"
    root = tmp_path / "catalog"
    root.mkdir()
    payloads = {
        "apply": f"!!python/object/apply:os.system ['touch {marker}']",
        "new": f"!!python/object/new:subprocess.call [['touch', '{marker}']]",
        "name": "!!python/name:os.system",
        "module": "!!python/module:os",
    }
    for kind, payload in payloads.items():
        (root / f"tag-{kind}.yaml").write_text(entry(f"tag-{kind}", f"tags: {payload}\n"), encoding="utf-8")
    problems = validate_catalog(root).problems
    assert not marker.exists()
    assert {Path(p.path).name for p in problems if "is not allowed" in p.message} == {
        f"tag-{kind}.yaml" for kind in payloads}


def test_billion_laughs_is_refused_fast_and_small(tmp_path):
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]  # 9**10 strings
    (tmp_path / "laughs.yaml").write_text("\n".join(levels) + "\n", encoding="utf-8")
    tracemalloc.start()
    start = time.perf_counter()
    problems = validate_catalog(tmp_path).problems
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert any("anchors and aliases" in p.message for p in problems)
    assert elapsed < 2.0
    assert peak < 20 * 1024 * 1024


@pytest.mark.parametrize("text", ["- " * 100_000 + "x\n", "? " * 100_000 + "x\n", "[" * 100_000 + "\n",
                                  "{a: " * 50_000 + "\n",
                                  "".join(" " * i + f"k{i}:\n" for i in range(700)) + " " * 700 + "v\n"],
                         ids=["dashes", "question-marks", "brackets", "braces", "indentation"])
def test_deep_nesting_is_refused_in_bounded_time_without_crashing(tmp_path, text):
    (tmp_path / "deep.yaml").write_text(text, encoding="utf-8")
    start = time.perf_counter()
    result = run_validate(tmp_path)  # a subprocess: a C stack overflow would show as a signal
    assert time.perf_counter() - start < 10
    assert result.returncode == 1, result.stderr[-500:]
    assert "nesting deeper than" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_50_megabyte_file_is_refused_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:  # sparse: costs no disk, reads as 50 MB of zero bytes
        handle.truncate(50 * 1024 * 1024)
    opened: list[Path] = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self) or b"")
    tracemalloc.start()
    start = time.perf_counter()
    problem = read_document(big, "big.yaml")
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert f"over the {MAX_BYTES:,}-byte limit" in str(problem)
    assert opened == [] and elapsed < 0.5 and peak < 1024 * 1024


def test_a_file_just_under_the_limit_is_still_read(tmp_path):
    text = entry("long-entry").replace("description: A table", "description: " + "x" * (MAX_BYTES - 2000) + " A table")
    (tmp_path / "long-entry.yaml").write_text(text, encoding="utf-8")
    problems = validate_catalog(tmp_path).problems
    assert [p for p in problems if "limit" in p.message] == []
    assert any("description is too long" in p.message for p in problems)


def test_yml_files_are_refused_with_a_rename_not_read(tmp_path):
    (tmp_path / "twin.yaml").write_text(entry("twin"), encoding="utf-8")
    (tmp_path / "twin.yml").write_text(entry("twin").replace("Entry twin", "Other twin"), encoding="utf-8")
    problems = [str(p) for p in validate_catalog(tmp_path).problems]
    assert [p for p in problems if "twin.yml" in p] == [
        f"{display(tmp_path / 'twin.yml')}: entry files end in .yaml; rename it to twin.yaml"]
    assert not any("duplicate id" in p for p in problems)


def test_a_reference_without_title_and_year_reports_both(tmp_path):
    text = entry("no-title").replace("  - title: Memo functions and machine learning\n    authors",
                                     "  - authors").replace("    year: 1968\n", "")
    (tmp_path / "no-title.yaml").write_text(text, encoding="utf-8")
    messages = {p.message for p in validate_catalog(tmp_path).problems}
    assert {"missing required field 'title' in references[0]",
            "missing required field 'year' in references[0]"} <= messages


@pytest.mark.parametrize("link", ["javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi",
                                  "ftp://example.org/x", "https://example.org/<script>"])
def test_reference_links_must_be_http(tmp_path, link):
    text = entry("bad-link").replace("doi: 10.1038/218019a0", f"url: {link!r}")
    (tmp_path / "bad-link.yaml").write_text(text, encoding="utf-8")
    messages = [p.message for p in validate_catalog(tmp_path).problems]
    assert any("must be an http(s) address" in m for m in messages), messages


@pytest.mark.parametrize("typed, meant", [("no", "no"), ("on", "on"), ("yes", "yes"), ("off", "off"),
                                          ("2001-01-01", "2001-01-01"), ("0755", "0755"), ("0x1F", "0x1F"),
                                          ("1:30", "1:30"), ("true", True), ("1968", 1968), ("~", None)])
def test_yaml_1_1_surprises_are_read_as_typed(tmp_path, typed, meant):
    (tmp_path / "a.yaml").write_text(f"value: {typed}\n", encoding="utf-8")
    assert read_document(tmp_path / "a.yaml").data == {"value": meant}


def test_a_valid_file_beside_bad_ones_stays_valid(hostile_catalog):
    problems = validate_catalog(hostile_catalog).problems
    assert [str(p) for p in problems if Path(p.path).name in {v.name for v in VALID}] == []
