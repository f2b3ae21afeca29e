"""The lookup index: a stale index costs time, never a wrong answer; the cache stays small."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from taxonomy.entry_keys import fields_of
from taxonomy.index import EntryFinder
from taxonomy.lookup import edit_distance, keys_of, suggest
from taxonomy.nearest_keys import KeyTable, osa_distance_from
from taxonomy.paths import default_catalog
from taxonomy.yaml_source import parse_text


def entry(ident: str, name: str, aliases: str = "[]") -> str:
    return f"id: {ident}\nname: {name}\naliases: {aliases}\nsummary: x\n"


@pytest.fixture
def catalog(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "memo-table.yaml").write_text(entry("memo-table", "Memo table", "[lookup memo]"), encoding="utf-8")
    (root / "loop-peeling.yaml").write_text(entry("loop-peeling", "Loop peeling", "[peeling]"), encoding="utf-8")
    return root


def test_an_entry_added_after_the_index_was_built_is_found(catalog):
    assert EntryFinder(catalog).find("peeling")[0]["id"] == "loop-peeling"   # builds the index
    (catalog / "kv-cache.yaml").write_text(entry("kv-cache", "KV cache", "[key-value cache]"), encoding="utf-8")
    assert EntryFinder(catalog).find("key-value cache")[0]["id"] == "kv-cache"


def test_a_renamed_entry_is_found_under_its_new_file_and_not_its_old_one(catalog):
    assert EntryFinder(catalog).find("lookup memo")[0]["id"] == "memo-table"
    (catalog / "memo-table.yaml").rename(catalog / "memo-store.yaml")
    (catalog / "memo-store.yaml").write_text(entry("memo-store", "Memo store", "[lookup memo]"), encoding="utf-8")
    assert EntryFinder(catalog).find("lookup memo")[0]["id"] == "memo-store"
    assert EntryFinder(catalog).find("memo table")[0] is None


def test_an_alias_moved_to_another_entry_follows_it(catalog):
    assert EntryFinder(catalog).find("peeling")[0]["id"] == "loop-peeling"
    (catalog / "loop-peeling.yaml").write_text(entry("loop-peeling", "Loop peeling"), encoding="utf-8")
    (catalog / "memo-table.yaml").write_text(entry("memo-table", "Memo table", "[peeling]"), encoding="utf-8")
    assert EntryFinder(catalog).find("peeling")[0]["id"] == "memo-table"


def test_a_miss_rebuilds_only_when_the_catalog_changed(catalog, monkeypatch):
    builds = []
    original = EntryFinder.build_index
    monkeypatch.setattr(EntryFinder, "build_index", lambda self: builds.append(1) or original(self))
    assert EntryFinder(catalog).find("no such thing")[0] is None
    assert EntryFinder(catalog).find("no such thing")[0] is None
    assert EntryFinder(catalog).find("memoisation table")[0] is None
    assert len(builds) == 1
    (catalog / "kv-cache.yaml").write_text(entry("kv-cache", "KV cache"), encoding="utf-8")
    assert EntryFinder(catalog).find("no such thing")[0] is None
    assert len(builds) == 2


def test_suggestions_come_from_the_index_with_names(catalog):
    finder = EntryFinder(catalog)
    data, suggestions = finder.find("loop peelin")
    assert data is None and suggestions == ["loop-peeling"] and finder.name_of("loop-peeling") == "Loop peeling"
    finder = EntryFinder(catalog)  # from the cache this time
    assert finder.find("loop peelin") == (None, ["loop-peeling"]) and finder.name_of("loop-peeling") == "Loop peeling"


def test_the_cache_keeps_no_data_of_entries_nobody_looked_up(catalog, tmp_path):
    for n in range(30):
        (catalog / f"entry-{n}.yaml").write_text(entry(f"entry-{n}", f"Entry number {n}"), encoding="utf-8")
    assert EntryFinder(catalog).find("no such thing")[0] is None
    assert EntryFinder(catalog).find("Entry number 7")[0]["id"] == "entry-7"
    cached = [p.name for p in (tmp_path / "cache").rglob("file-*")]
    assert len(cached) == 1  # entry-7's parsed data, kept for the next hit


def test_a_file_the_quick_reader_cannot_judge_is_read_whole(catalog):
    (catalog / "block-list.yaml").write_text(
        "id: block-list\nname: Block list\naliases:\n- listed below\n- second alias\nsummary: x\n", encoding="utf-8")
    (catalog / "quoted.yaml").write_text('"id": quoted\n"name": "Quoted keys"\nsummary: x\n', encoding="utf-8")
    assert EntryFinder(catalog).find("second alias")[0]["id"] == "block-list"
    assert EntryFinder(catalog).find("quoted keys")[0]["id"] == "quoted"


def test_an_invalid_file_claiming_a_key_does_not_hide_the_valid_one(catalog):
    # `bad` sorts first and claims the alias, but its file does not parse: the next claimant answers.
    (catalog / "a-bad.yaml").write_text("id: a-bad\nname: Bad\naliases: [peeling]\nsummary: [unclosed\n",
                                        encoding="utf-8")
    assert EntryFinder(catalog).find("peeling")[0]["id"] == "loop-peeling"


TRICKY = [
    "id: x\nname: 'it''s\n  quoted'\naliases: [a, 'b, c']\n",
    "id: x\nname: \"two\n#lines\"\naliases: [a]\n",
    "id: x\nname: plain\n  continued\naliases: [a]\n",
    "id: x\nsummary: \"open\nname: inside\"\nname: real\n",
    "id: x\ndescription: |\n  text\nname: after block\naliases: []\n",
    "id: x\r\nname: crlf\r\naliases: [c]\r\n",
    "id: x\rname: lone cr\r",
    "---\nid: x\nname: doc marker\n",
    "id: x\nname: a\nname: b\n",
    "id: x\nname: !!str tagged\naliases: [a]\n",
    "id: x\nname: n\naliases:\n- a\n- b\n",
    "id: x\nname: n\ntags: [a,\naliases: [b]]\n",
    "id: x\nname: n # comment\naliases: [a] # comment\n",
]


@pytest.mark.parametrize("text", TRICKY + [p.read_text(encoding="utf-8") for p in sorted(default_catalog().glob("*.yaml"))[:40]])
def test_the_quick_reader_agrees_with_the_full_reader_or_declines(text):
    quick = fields_of(text)
    if quick is None:
        return
    try:
        full = parse_text(text, "x").data
    except Exception:  # the full reader refuses the file: whatever the quick one says only costs time
        return
    def keys(data):
        aliases = data.get("aliases") if isinstance(data.get("aliases"), list) else []
        return keys_of("x", str(data.get("name", "")), map(str, aliases))
    assert keys(quick) == keys(full)


def test_the_nearest_keys_are_what_suggest_finds():
    index = {}
    for path in sorted(default_catalog().glob("*.yaml")):
        data = parse_text(path.read_text(encoding="utf-8"), path.name).data
        for key in keys_of(path.stem, data["name"], data.get("aliases", [])):
            index.setdefault(key, path.stem)
    table = KeyTable.build(index)
    rng = random.Random(7)
    queries = ["stassen", "kv", "quant", "memo", "zzz", "fourier", "loop", "Strassen's algoritm", "a", "记忆"]
    for key in rng.sample(sorted(index), 60):
        i = rng.randrange(len(key))
        queries += [key[:i] + key[i + 1:], key[:i] + "x" + key[i:], key[::-1][:8]]
    for query in queries:
        assert table.nearest(query) == suggest(query, index), query


def test_the_bit_parallel_distance_is_the_edit_distance():
    rng = random.Random(11)
    for _ in range(3000):
        a = "".join(rng.choice("abcab1") for _ in range(rng.randint(0, 12)))
        b = "".join(rng.choice("abcab1") for _ in range(rng.randint(0, 12)))
        assert osa_distance_from(a)(b) == edit_distance(a, b, 30), (a, b)


def test_a_catalog_large_enough_to_build_on_every_core_is_indexed_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "catalog"
    root.mkdir()
    for n in range(450):  # above parallel.PARALLEL_FROM
        (root / f"e-{n}.yaml").write_text(entry(f"e-{n}", f"Entry {n}", f"[alias {n}]"), encoding="utf-8")
    assert EntryFinder(root).find("alias 449")[0]["id"] == "e-449"
    assert EntryFinder(root).find("alias 0")[0]["id"] == "e-0"


def test_an_index_cached_in_another_format_is_rebuilt_not_read(tmp_path, monkeypatch):
    """A cache written by another version of taxo (another _FORMAT) is never taken as current:
    its key table may have another layout."""
    import taxonomy.index as index_module
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "catalog"
    root.mkdir()
    (root / "e-1.yaml").write_text(entry("e-1", "Entry one", "[alias one]"), encoding="utf-8")
    EntryFinder(root).find("alias one")                 # builds and caches the index
    builds = []
    build = EntryFinder.build_index
    monkeypatch.setattr(EntryFinder, "build_index", lambda self: builds.append(1) or build(self))
    assert EntryFinder(root).find("entry onf")[1] == ["e-1"] and builds == []   # same format: read
    monkeypatch.setattr(index_module, "_FORMAT", index_module._FORMAT + 1)
    assert EntryFinder(root).find("entry onf")[1] == ["e-1"] and builds == [1]  # another: rebuilt
