"""Untrusted text reaches no terminal raw, and what validates renders (issue 15, items 5 and 6)."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from taxonomy.reporters import REPORTERS
from taxonomy.site.output_folder import MARKER
from taxonomy.site.render import render_site
from taxonomy.validate import validate_catalog

from contrib_helpers import EXAMPLES, ROOT

MEMO = (EXAMPLES / "valid" / "memo-table.yaml").read_text(encoding="utf-8")
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NO_MEASUREMENT = lambda probe: (None, None)  # noqa: E731


def catalog_with(tmp_path, **files: str):
    root = tmp_path / "catalog"
    root.mkdir(exist_ok=True)
    for stem, text in files.items():
        (root / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return root


def taxo(root, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(root.parent / "cache")}
    return subprocess.run([sys.executable, "-m", "taxonomy", *args, "--catalog", str(root)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=60)


ESCAPED = MEMO.replace("name: Memo table", 'name: "Memo \\e]0;owned\\a table"').replace(
    "summary: ", 'aliases: ["\\e[2Jwiped"]\n"cat\\egory\\n```\\n<img src=x>": 1\nsummary: ')


def test_escapes_in_an_entry_are_reported_and_never_printed_raw(tmp_path):
    root = catalog_with(tmp_path, **{"memo-table": ESCAPED})
    for report_format in ("text", "github", "json"):
        result = taxo(root, "validate", "--format", report_format)
        assert result.returncode == 1
        assert not RAW_CONTROL.search(result.stdout), report_format
    text = taxo(root, "validate").stdout
    assert "text holds the control character U+001B" in text and "\\x1b" in text
    for command in (["classify", "memo-table"], ["show", "memo-table"], ["list"], ["search", "memo"]):
        result = taxo(root, *command)
        assert not RAW_CONTROL.search(result.stdout + result.stderr), command


def test_a_key_cannot_break_out_of_the_job_summary_code_fence(tmp_path):
    root = catalog_with(tmp_path, **{"memo-table": ESCAPED})
    result = validate_catalog(root)
    for report_format in ("text", "github"):
        lines = REPORTERS[report_format](result.problems, result.files).splitlines()
        assert not any(line.lstrip().startswith("```") for line in lines), report_format
        assert not any(line.startswith("<img") for line in lines)


def test_blank_authors_and_broken_addresses_do_not_validate_and_do_not_crash_views(tmp_path):
    blank = MEMO.replace("authors: [Donald Michie]", 'authors: ["  "]')
    broken = MEMO.replace("id: memo-table", "id: broken").replace("name: Memo table", "name: Broken link") \
        .replace("doi: 10.1038/218019a0", 'url: "https://[oops"')
    root = catalog_with(tmp_path, **{"memo-table": blank, "broken": broken})
    messages = [str(p) for p in validate_catalog(root).problems]
    assert any("authors[0] is only spaces" in m for m in messages)
    assert any("'https://[oops' is not a valid address" in m for m in messages)
    for command in (["classify", "memo-table"], ["show", "broken"], ["render", "--out", str(tmp_path / "site")]):
        result = taxo(root, *command)
        assert "Traceback" not in result.stderr, command
    rendered = taxo(root, "render", "--out", str(tmp_path / "site"))
    assert "skipped" in rendered.stdout and "broken.yaml: its page could not be rendered" in rendered.stdout


def test_render_swaps_the_new_site_in_and_drops_pages_of_deleted_entries(tmp_path):
    other = MEMO.replace("id: memo-table", "id: other").replace("name: Memo table", "name: Other entry")
    root = catalog_with(tmp_path, **{"memo-table": MEMO, "other": other})
    out = tmp_path / "site"
    render_site(root, out, measurement_for=NO_MEASUREMENT)
    assert (out / "entries" / "other.html").is_file() and (out / MARKER).is_file()
    (root / "other.yaml").unlink()
    report = render_site(root, out, measurement_for=NO_MEASUREMENT)
    assert not (out / "entries" / "other.html").exists()
    assert report.entries == 1
    assert [p.name for p in tmp_path.iterdir() if ".rendering-" in p.name or ".old-" in p.name] == []


def test_a_render_that_fails_half_way_leaves_the_previous_site_whole(tmp_path, monkeypatch):
    root = catalog_with(tmp_path, **{"memo-table": MEMO})
    out = tmp_path / "site"
    render_site(root, out, measurement_for=NO_MEASUREMENT)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    from taxonomy.site import render as render_module

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render_module, "search_index_js", fail)
    with pytest.raises(OSError):
        render_site(root, out, measurement_for=NO_MEASUREMENT)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert [p.name for p in tmp_path.iterdir() if ".rendering-" in p.name] == []


def test_render_never_replaces_a_folder_it_did_not_write(tmp_path):
    root = catalog_with(tmp_path, **{"memo-table": MEMO})
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(OSError, match="did not write"):
        render_site(root, home, measurement_for=NO_MEASUREMENT)
    assert (home / "thesis.tex").read_text(encoding="utf-8") == "years of work"
