"""Special files and names: every reader takes only regular `.yaml` files inside the catalog,
names the files it refused, and finds names of any script once (issue 15, items 2 and 7)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from taxonomy.index import EntryFinder
from taxonomy.loader import load_catalog
from taxonomy.validate import validate_catalog

from contrib_helpers import EXAMPLES, ROOT

MEMO = (EXAMPLES / "valid" / "memo-table.yaml").read_text(encoding="utf-8")


def entry(ident: str, name: str, aliases: str = "[]") -> str:
    return (MEMO.replace("id: memo-table", f"id: {ident}").replace("name: Memo table", f"name: {name}")
            .replace("related: [loop-peeling]", f"related: []\naliases: {aliases}"))


def taxo(catalog, *args: str, timeout: float = 20) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(catalog.parent / "cache")}
    return subprocess.run([sys.executable, "-m", "taxonomy", *args, "--catalog", str(catalog)], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=timeout)


@pytest.fixture
def special_catalog(tmp_path):
    """A valid entry beside /dev/zero, a FIFO, a link out of the catalog and a .yml file."""
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "memo-table.yaml").write_text(entry("memo-table", "Memo table"), encoding="utf-8")
    (root / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "fifo.yaml")
    secret = tmp_path / "secret.txt"
    secret.write_text("id: [the secret is 42\n", encoding="utf-8")
    (root / "outside.yaml").symlink_to(secret)
    (root / "inside.yaml").symlink_to(root / "memo-table.yaml")  # inside the catalog: read
    (root / "other.yml").write_text(entry("other", "Other entry"), encoding="utf-8")
    return root


REFUSED = {"zero.yaml": "not a regular file (a device)", "fifo.yaml": "not a regular file (a FIFO)",
           "outside.yaml": "symbolic link leads outside the catalog", "other.yml": "entry files end in .yaml"}


def test_validate_refuses_special_files_by_name_and_never_echoes_outside_text(special_catalog):
    problems = validate_catalog(special_catalog).problems
    refused = {os.path.basename(p.path): p.message for p in problems if p.line is None}
    for name, reason in REFUSED.items():
        assert refused[name].startswith(reason), (name, refused)
    assert not any("secret" in str(p) for p in problems)


def test_the_loader_takes_the_same_files_and_names_the_others(special_catalog):
    loaded = load_catalog(special_catalog)
    assert sorted(os.path.basename(e.path) for e in loaded.entries) == ["inside.yaml", "memo-table.yaml"]
    assert {os.path.basename(p.path) for p in loaded.problems} == set(REFUSED)


def test_classify_neither_hangs_nor_reads_dev_zero_and_names_what_it_skipped(special_catalog):
    for query in ("zero", "fifo", "outside", "other", "no such thing"):
        result = taxo(special_catalog, "classify", query)  # the timeout fails the test on a hang
        assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "skipped" in result.stderr and "zero.yaml: not a regular file" in result.stderr
    assert taxo(special_catalog, "classify", "memo table").returncode == 0


def test_the_finder_never_opens_a_refused_file(special_catalog, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    finder = EntryFinder(special_catalog)
    assert finder.find("zero")[0] is None
    assert set(finder.refused) >= {"zero.yaml", "fifo.yaml", "outside.yaml"}


def test_a_yml_entry_is_refused_everywhere_not_only_somewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "twin.yml").write_text(entry("twin", "Twin entry"), encoding="utf-8")
    assert [p.message for p in validate_catalog(root).problems] == [
        "entry files end in .yaml; rename it to twin.yaml"]
    assert load_catalog(root).entries == []
    assert EntryFinder(root).find("twin")[0] is None


def test_names_in_any_script_are_found_and_unique(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "memo-table.yaml").write_text(entry("memo-table", "Memo table", "[记忆表]"), encoding="utf-8")
    (root / "other-table.yaml").write_text(entry("other-table", "Other table", "[记忆表]"), encoding="utf-8")
    problems = [str(p) for p in validate_catalog(root).problems]
    assert any("other-table.yaml" in p and "alias '记忆表' is already used by" in p for p in problems), problems
    data, _ = EntryFinder(root).find("记忆表")
    assert data is not None and data["id"] == "memo-table"


def test_a_cyrillic_look_alike_finds_the_latin_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "memo-table.yaml").write_text(entry("memo-table", "Memo table"), encoding="utf-8")
    assert EntryFinder(root).find("Mеmо tаblе")[0]["id"] == "memo-table"  # е, о, а are Cyrillic
