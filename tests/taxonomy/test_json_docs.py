"""Every --json output has exactly the keys docs/json.md lists for it."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
SCHEMA_FIELDS = set(json.loads((ROOT / "taxonomy" / "schema" / "entry.schema.json").read_text())["properties"])


def documented(heading: str) -> set[str]:
    """The keys listed on the `Keys:` line under a heading of docs/json.md."""
    section = DOC.split(f"### {heading}", 1)[1].split("\n### ", 1)[0]
    line = re.search(r"^Keys[^:]*: (.+)$", section, re.M).group(1)
    return set(re.findall(r"`([a-z_]+)`", line))


def taxo_json(*args: str):
    done = subprocess.run([sys.executable, "-m", "taxonomy", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert done.stdout, done.stderr
    return json.loads(done.stdout)


def test_an_entry_has_the_documented_keys_and_only_schema_fields_beside_them():
    entry = taxo_json("classify", "kv-cache", "--json")
    always = documented("`taxo classify ID --json` (and `taxo show ID --json`)")
    assert always <= entry.keys() <= always | SCHEMA_FIELDS
    assert set(entry["measurements"][0]) == documented("`measurements[]` (inside an entry)")


@pytest.mark.parametrize("args, heading, extra", [
    (("list", "--json"), "`taxo list --json`, `taxo search WORDS --json`", set()),
    (("search", "cache", "--json"), "`taxo list --json`, `taxo search WORDS --json`", {"score"}),
])
def test_list_rows_have_the_documented_keys(args, heading, extra):
    rows = taxo_json(*args)
    assert rows and all(set(row) == documented(heading) | extra for row in rows)


@pytest.mark.parametrize("args, heading", [
    (("categories", "--json"), "`taxo categories --json`"),
    (("stats", "--json"), "`taxo stats --json`"),
    (("export", "--json"), "`taxo export --json`"),
])
def test_documents_have_the_documented_keys(args, heading):
    assert set(taxo_json(*args)) == documented(heading)


def test_a_measurement_has_the_documented_keys():
    record = taxo_json("analyze", "memoization", "--size", "8", "--json")
    assert set(record) == documented("`taxo analyze PROBE --json`")


def test_validate_json_has_the_documented_keys():
    assert set(taxo_json("validate", "--format", "json")) == documented("`taxo validate --format json`")
