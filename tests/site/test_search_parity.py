"""One ranking: the site's search box orders entries exactly as `taxo search` does, and suggests
the same nearest entries when nothing matches (site.js mirrors taxonomy/search.py and lookup.py)."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from taxonomy.loader import load_catalog
from taxonomy.lookup import suggest
from taxonomy.search import search



def visible_ids(page) -> list[str]:
    return page.eval_on_selector_all("#entries > li", "els => els.map(e => e.dataset.id)")


def open_index(page, site, query: str = "") -> None:
    page.goto((site / "index.html").as_uri() + query)
    page.wait_for_function("window.TAXO_READY === true")

QUERIES = ["kv", "quant", "memo", "stassen", "kv cache", "key value cache", "fourier", "Fast-Fourier",
           "attention memory", "loop", "cache", "HÖRNER", "winogard", "fft conv", "sparse attention",
           "a", "2", "the", "evil script", "zzzzqqq"]
NO_MATCH = ["zzzzqqq", "strasssssen", "memoizationnnnn", "xxkvcachexx"]


@pytest.fixture(scope="module")
def entries(hostile_catalog):
    return load_catalog(hostile_catalog).entries


def test_the_site_ranks_as_taxo_search_does(page, site, entries):
    open_index(page, site)
    differ = {}
    for query in QUERIES:
        page.fill("#q", query)
        expected = [e.id for e, _ in search(entries, query, limit=200)]
        if visible_ids(page) != expected:
            differ[query] = (visible_ids(page)[:5], expected[:5])
    assert differ == {}


def test_the_site_suggests_what_taxo_suggests(page, site, entries):
    open_index(page, site)
    candidates = {key: e.id for e in entries for key in (e.id, e.name, *e.aliases)}
    for query in NO_MATCH:
        page.fill("#q", query)
        assert visible_ids(page) == [] and page.is_visible("#none"), query
        links = page.eval_on_selector_all("#nearest a", "els => els.map(a => a.getAttribute('href'))")
        assert [href.removeprefix("entries/").removesuffix(".html") for href in links] == suggest(query, candidates)
    assert page.text_content("#nearest").startswith(" Did you mean ")


def test_the_named_entry_comes_first(page, site):
    for query, first in [("kv", "kv-cache"), ("quant", "quantization"), ("stassen", "strassen"),
                         ("kv cache", "kv-cache"), ("fourier", "fft")]:
        open_index(page, site, f"?q={quote(query)}")
        assert visible_ids(page)[0] == first, query
    open_index(page, site, "?q=memo")
    assert "memoization" in visible_ids(page)[:3]
