"""The site in a real Chromium: search, filter, navigation, hostile text, every link."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit


def url(site: Path, path: str = "index.html") -> str:
    return (site / path).as_uri()


def visible_ids(page) -> list[str]:
    return page.eval_on_selector_all("#entries > li:not([hidden])", "els => els.map(e => e.dataset.id)")


def open_index(page, site: Path, query: str = "") -> None:
    page.goto(url(site) + query)
    page.wait_for_function("window.TAXO_READY === true")


def test_typing_in_search_filters_the_index(page, site):
    open_index(page, site)
    everything = visible_ids(page)
    page.locator("#q").press_sequentially("fourier")
    shown = visible_ids(page)
    assert "fft" in shown and len(shown) < len(everything)          # the catalog grows; fft stays
    assert page.text_content("#shown") == f"{len(shown)} entr{'y' if len(shown) == 1 else 'ies'}"
    page.fill("#q", "kv cache")                        # entries that match every word, in any field
    assert "kv-cache" in visible_ids(page) and len(visible_ids(page)) < len(everything)
    page.fill("#q", "zzzzqqqq")
    assert visible_ids(page) == [] and page.is_visible("#none")
    page.fill("#q", "")
    assert visible_ids(page) == everything


def test_the_category_filter_shows_only_that_category(page, site):
    open_index(page, site)
    page.select_option("#category", "ai-specific")
    shown = visible_ids(page)
    assert shown and "quantization" in shown and "fft" not in shown
    badges = page.eval_on_selector_all("#entries > li:not([hidden]) .badge", "els => els.map(e => e.textContent)")
    assert set(badges) == {"ai-specific"}
    page.select_option("#domain", "classic")
    assert set(visible_ids(page)) < set(shown)


def test_sort_by_year_puts_the_oldest_first(page, site):
    open_index(page, site)
    page.select_option("#sort", "year")
    years = page.eval_on_selector_all(
        "#entries > li", "els => els.map(e => window.TAXO_INDEX.find(r => r.id === e.dataset.id).y)")
    known = [y for y in years if y is not None]
    assert known == sorted(known) and years[:len(known)] == known


def test_query_string_prefills_the_search(page, site):
    open_index(page, site, "?q=strassen")
    assert "strassen" in visible_ids(page) and "fft" not in visible_ids(page)


def test_clicking_an_entry_opens_its_page(page, site):
    open_index(page, site)
    page.fill("#q", "fourier")
    page.click("#entries > li[data-id='fft'] a")
    page.wait_for_load_state()
    assert page.url.endswith("/entries/fft.html")
    assert page.text_content("h1") == "Fast Fourier transform"
    assert page.locator("svg.chart").count() == 2


def test_the_hostile_entry_runs_no_script(page, site):
    for path in ("index.html", "entries/hostile.html", "categories/caching.html", "debate.html", "entries/fft.html"):
        page.goto(url(site, path))
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned === undefined"), path
    page.goto(url(site, "entries/hostile.html"))
    assert "<script>window.__pwned = 'name'</script>" in page.text_content("h1")
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    assert not [h for h in hrefs if not h.startswith(("file:", "https:", "http:"))]
    for link in page.locator("a", has_text="here").all():   # the javascript: link stayed text
        link.click()
    assert page.dialogs == [] and page.errors == [] and page.external == []
    assert page.evaluate("window.__pwned === undefined")


def test_every_internal_link_resolves(page, site):
    """Crawl from the index and the sitemap: every file: link points at an existing page,
    and every #fragment at an existing id."""
    start = url(site)
    todo, seen, broken = [start], set(), []
    todo += [url(site, loc) for loc in
             __import__("re").findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text())]
    while todo:
        target = todo.pop()
        address, fragment = urldefrag(target)
        path = Path(unquote(urlsplit(address).path))
        if not path.is_file() or site.resolve() not in path.resolve().parents:
            broken.append(target)
            continue
        if address in seen:
            continue
        seen.add(address)
        if path.suffix != ".html":
            continue
        page.goto(address)
        for link in page.eval_on_selector_all("a[href], link[href], script[src]",
                                              "els => els.map(e => e.href || e.src)"):
            if link.startswith("file:"):
                todo.append(link)
                base, frag = urldefrag(link)
                if frag and base == address:
                    assert page.locator(f"[id='{frag}']").count() == 1, link
    assert broken == []
    assert len([s for s in seen if s.endswith(".html")]) == len(list(site.rglob("*.html")))


def test_screenshots_of_the_index_and_an_entry(page, site, artifacts):
    ARTIFACTS = artifacts
    open_index(page, site)
    page.screenshot(path=str(ARTIFACTS / "index.png"))
    page.goto(url(site, "entries/fft.html"))
    page.screenshot(path=str(ARTIFACTS / "entry-fft.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})     # a phone
    page.screenshot(path=str(ARTIFACTS / "entry-fft-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    for name in ("index.png", "entry-fft.png", "entry-fft-phone.png"):
        assert (ARTIFACTS / name).stat().st_size > 10_000


def test_the_site_works_over_http(page, site):
    import threading

    from taxonomy.site.server import make_server

    server = make_server(0, site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/index.html")
        page.wait_for_function("window.TAXO_READY === true")
        page.fill("#q", "fourier")
        assert "fft" in visible_ids(page) and "strassen" not in visible_ids(page) and page.errors == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_large_index_shows_the_first_matches_and_then_all(page, tmp_path):
    from taxonomy.site import render_site

    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for i in range(250):
        (catalog / f"e{i:03}.yaml").write_text(f"id: e{i:03}\nname: Entry {i:03}\ncategory: caching\nsummary: s\n")
    render_site(catalog, tmp_path / "site", measurement_for=lambda probe: (None, None))
    open_index(page, tmp_path / "site")
    assert len(visible_ids(page)) == 200 and page.text_content("#shown") == "250 entries"
    page.click("#more")
    assert len(visible_ids(page)) == 250 and not page.is_visible("#more")
    page.fill("#q", "e24")                             # a new query starts from the limit again
    assert visible_ids(page) == [f"e{i}" for i in range(240, 250)]
