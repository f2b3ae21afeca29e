"""The `taxo` command, run as a user runs it: the installed script in a subprocess."""
from __future__ import annotations

import json

import pytest

from taxonomy import CATEGORIES
from taxonomy.categories import taxonomy


@pytest.mark.parametrize("query, expected_id", [
    ("fft", "fft"), ("Fast Fourier transform", "fft"), ("Fast Fourier Transform", "fft"),
    ("fast-fourier TRANSFORM!", "fft"),
    # the bare "Winograd" means the convolution (cuDNN's sense); the other Winograds are qualified
    ("winograd", "winograd-convolution"), ("Strassen–Winograd algorithm", "strassen"),
    ("Coppersmith-Winograd", "fast-matrix-multiplication"),
    ("kv cache", "kv-cache"), ("KV-Cache", "kv-cache"),
    ("CSE", "common-subexpression-elimination"), ("memoization", "memoization"),
])
def test_classify_accepts_id_name_or_alias(taxo, query, expected_id):
    result = taxo("classify", query, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == expected_id


def fft_entry():
    from taxonomy.loader import load_catalog
    from taxonomy.paths import default_catalog

    return next(e for e in load_catalog(default_catalog()).entries if e.id == "fft")


def test_classify_shows_category_rationale_and_both_positions(taxo):
    result = taxo("classify", "fft")
    assert result.returncode == 0
    out = result.stdout
    entry = fft_entry()
    assert "Fast Fourier transform" in out and f"Why {taxonomy().category(entry.category).name}" in out
    sides = {p.category for p in entry.positions}
    assert len(sides) >= 2 and all(f"{side} — " in out for side in sides)  # every side of the debate
    assert "10.1090/S0025-5718-1965-0178586-1" in out
    assert "\x1b[" not in out  # NO_COLOR and a pipe: plain text


def test_classify_json_has_the_documented_fields(taxo):
    data = json.loads(taxo("classify", "fft", "--json").stdout)
    for field in ("id", "name", "category", "summary", "rationale", "aliases", "positions", "references"):
        assert field in data
    assert data["category"] in CATEGORIES
    assert {p["category"] for p in data["positions"]} == {p.category for p in fft_entry().positions}


def test_near_miss_suggests_and_exits_1(taxo):
    result = taxo("classify", "memoisaton")
    assert result.returncode == 1
    assert "did you mean" in result.stderr and "memoization" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and result.stdout == ""


def test_no_match_is_one_line_and_exit_1(taxo):
    result = taxo("classify", "qqqqzzzz")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no entry matches 'qqqqzzzz'" in result.stderr


def test_lookup_notices_an_alias_edited_in_place(taxo, small_catalog):
    assert taxo("classify", "peeling", "--catalog", str(small_catalog)).returncode == 0  # builds the index
    path = small_catalog / "loop-peeling.yaml"
    path.write_text(path.read_text().replace("aliases: [peeling]", "aliases: [unpeeling]"))
    assert taxo("classify", "peeling", "--catalog", str(small_catalog)).returncode == 1
    assert taxo("classify", "unpeeling", "--catalog", str(small_catalog), "--json").returncode == 0


def test_show_prints_every_section(taxo):
    out = taxo("show", "fft").stdout
    for heading in ("What it does", "Complexity", "Example", "Preconditions", "References", "Tags"):
        assert heading in out


@pytest.mark.parametrize("category", CATEGORIES)
def test_list_filters_by_category(taxo, category):
    rows = json.loads(taxo("list", "--category", category, "--json").stdout)
    assert rows and all(row["category"] == category for row in rows)


def test_list_filters_by_domain_and_rejects_unknown_category(taxo):
    rows = json.loads(taxo("list", "--domain", "ai", "--json").stdout)
    assert rows and all(row["domain"] == "ai" for row in rows)
    bad = taxo("list", "--category", "cache")
    assert bad.returncode == 1 and "unknown category 'cache'" in bad.stderr and "Traceback" not in bad.stderr


def test_search_ranks_the_named_entry_first(taxo):
    rows = json.loads(taxo("search", "fourier", "--json").stdout)
    assert rows[0]["id"] == "fft"
    rows = json.loads(taxo("search", "key", "value", "cache", "--json").stdout)
    assert rows[0]["id"] == "kv-cache"


def test_categories_counts_add_up_to_the_catalog(taxo):
    data = json.loads(taxo("categories", "--json").stdout)
    entries = json.loads(taxo("list", "--json").stdout)
    assert [c["id"] for c in data["categories"]] == list(CATEGORIES)
    assert sum(c["entries"] for c in data["categories"]) == len(entries)
    assert "only four optimizations" in data["claim"]


def test_export_is_the_whole_catalog(taxo):
    data = json.loads(taxo("export", "--json").stdout)
    assert len(data["entries"]) == len(json.loads(taxo("list", "--json").stdout))
    assert {"claim", "categories", "entries"} <= set(data)


def test_stats_counts_every_category(taxo, small_catalog):
    out = taxo("stats", "--catalog", str(small_catalog)).stdout
    assert "2 entries" in out and "caching" in out


def test_validate_clean_catalog_exits_0(taxo, small_catalog):
    result = taxo("validate", "--catalog", str(small_catalog))
    assert result.returncode == 0 and "ok: 2 files valid" in result.stdout


def test_validate_reports_github_annotations(taxo, small_catalog):
    path = small_catalog / "memo-table.yaml"
    path.write_text(path.read_text().replace("category: caching", "category: cache"))
    result = taxo("validate", "--catalog", str(small_catalog), "--format", "github")
    assert result.returncode == 1
    assert any(line.startswith("::error file=") and "memo-table.yaml,line=4,col=11::" in line
               for line in result.stdout.splitlines())


def test_validate_json_lists_problems(taxo, small_catalog):
    (small_catalog / "broken.yaml").write_text("id: [unclosed\n")
    data = json.loads(taxo("validate", "--catalog", str(small_catalog), "--format", "json").stdout)
    assert data["ok"] is False and data["problems"][0]["path"].endswith("broken.yaml")


def test_new_writes_a_template_and_never_overwrites(taxo, small_catalog):
    first = taxo("new", "Loop", "skewing", "--catalog", str(small_catalog))
    assert first.returncode == 0 and (small_catalog / "loop-skewing.yaml").exists()
    before = (small_catalog / "loop-skewing.yaml").read_text()
    assert "id: loop-skewing" in before
    again = taxo("new", "Loop skewing", "--catalog", str(small_catalog))
    assert again.returncode == 1 and "already exists" in again.stderr
    assert (small_catalog / "loop-skewing.yaml").read_text() == before
    report = taxo("validate", "--catalog", str(small_catalog)).stdout
    assert "TODO placeholder" in report  # an unfilled template cannot slip through


def test_missing_catalog_is_one_line(taxo, tmp_path):
    for command in (["classify", "fft"], ["list"], ["validate"]):
        result = taxo(*command, "--catalog", str(tmp_path / "nowhere"))
        assert result.returncode == 1 and "catalog directory not found" in result.stderr
        assert "Traceback" not in result.stderr


def test_python_m_taxonomy_works(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "taxonomy", "classify", "fft", "--json"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0 and json.loads(result.stdout)["id"] == "fft"


def test_colour_by_category_on_request_and_never_with_no_color(taxo):
    coloured = taxo("classify", "fft", env_extra={"FORCE_COLOR": "1", "NO_COLOR": ""}).stdout
    assert "\x1b[1;32mcaching\x1b[0m" in coloured  # caching is green
    plain = taxo("classify", "fft", env_extra={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in plain


@pytest.mark.parametrize("query, first", [("kv", "kv-cache"), ("quant", "quantization"), ("stassen", "strassen"),
                                          ("memoisaton", "memoization")])
def test_classify_suggests_by_prefix_word_and_typo(taxo, query, first):
    result = taxo("classify", query)
    assert result.returncode == 1
    assert result.stderr.startswith(f"taxo: no entry '{query}'; did you mean: {first} (")


@pytest.mark.parametrize("query, first", [("kv", "kv-cache"), ("quant", "quantization"), ("stassen", "strassen")])
def test_search_ranks_prefixes_and_typos(taxo, query, first):
    assert json.loads(taxo("search", query, "--json").stdout)[0]["id"] == first


def test_search_puts_memoization_in_the_top_three_for_memo(taxo):
    assert "memoization" in [row["id"] for row in json.loads(taxo("search", "memo", "--json").stdout)[:3]]


def test_search_without_a_match_suggests_the_nearest_entry(taxo):
    result = taxo("search", "xxkvcachexx")
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == ("taxo: nothing matches 'xxkvcachexx' (did you mean 'kv-cache'?); "
                             "try fewer words or `taxo list`\n")


def test_list_suggests_the_category_meant(taxo):
    result = taxo("list", "--category", "cachng")
    assert result.returncode == 1 and "unknown category 'cachng' (did you mean 'caching'?)" in result.stderr


def test_version_is_the_package_version(taxo):
    from importlib.metadata import version

    result = taxo("--version")
    assert result.returncode == 0 and result.stdout == f"taxo {version('taxo')}\n"


@pytest.mark.parametrize("args", [["lst"], ["list", "--domain", "x"], ["list", "--bogus"], ["classify"],
                                  ["export", "--no-json"], ["list", "--category", "cachng"], ["search", "qqqzzz"],
                                  ["classify", "qqqzzz"], ["show", "--catalog", "/nowhere", "fft"]])
def test_every_error_is_one_line_with_one_prefix(taxo, args):
    result = taxo(*args)
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.startswith("taxo: ") and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.lower().count("did you mean") <= 1


def test_a_mistyped_command_is_suggested_once(taxo):
    result = taxo("lst")
    assert result.stderr == "taxo: no such command 'lst' (did you mean 'list'?); see `taxo --help`\n"


def test_export_prints_json_with_or_without_the_flag(taxo):
    plain, flagged = taxo("export"), taxo("export", "--json")
    assert plain.returncode == 0 and plain.stdout == flagged.stdout
    assert json.loads(plain.stdout)["entries"]
