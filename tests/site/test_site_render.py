"""The rendered files, read as HTML: every page present, safe, and linked."""
from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from taxonomy.loader import load_catalog
from taxonomy.search import RANKING
from taxonomy.site import render_site

ALLOWED_SCHEMES = ("https://", "http://")


class Page(HTMLParser):
    """Every tag with its attributes, and the text inside <script> elements."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False if tag == "script" else self._in_script

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_one_page_per_entry_category_and_the_index_and_debate(site, hostile_catalog):
    entries = load_catalog(hostile_catalog).entries
    assert len(list((site / "entries").glob("*.html"))) == len(entries)
    from taxonomy import CATEGORIES

    assert {p.stem for p in (site / "categories").glob("*.html")} == set(CATEGORIES)
    assert (site / "index.html").exists() and (site / "debate.html").exists()


def test_every_page_has_a_csp_title_and_viewport(site):
    for path in pages(site):
        tags = Page(path.read_text(encoding="utf-8")).tags
        metas = {(a.get("http-equiv") or a.get("name")): a.get("content") for t, a in tags if t == "meta"}
        csp = metas.get("Content-Security-Policy") or ""
        assert "script-src 'self'" in csp and "default-src 'none'" in csp, path
        assert "unsafe-inline" not in csp
        assert "width=device-width" in (metas.get("viewport") or ""), path
        assert re.search(r"<title>[^<]+</title>", path.read_text(encoding="utf-8")), path


def test_no_inline_script_no_event_handler_no_unsafe_link(site):
    for path in pages(site):
        parsed = Page(path.read_text(encoding="utf-8"))
        assert parsed.script_text == [], f"inline script in {path}"
        for tag, attrs in parsed.tags:
            assert not [a for a in attrs if a.startswith("on")], f"{path}: <{tag} {attrs}>"
            assert "style" not in attrs, f"{path}: inline style on <{tag}>"
            if tag == "script":
                assert attrs.get("src") and "//" not in attrs["src"], f"{path}: script {attrs}"
            if tag in ("img", "iframe", "object", "embed"):
                pytest.fail(f"{path}: <{tag}> from contributed text")
            href = (attrs.get("href") or "").strip()
            assert not href.lower().startswith(("javascript:", "data:", "vbscript:")), f"{path}: {href}"
            if "://" in href:
                assert href.startswith(ALLOWED_SCHEMES), f"{path}: {href}"


def test_the_hostile_entry_shows_its_markup_as_text(site):
    html = (site / "entries" / "hostile.html").read_text(encoding="utf-8")
    text = unescape(html)
    assert "Evil &lt;script&gt;window.__pwned" in html       # escaped in the markup ...
    assert "Evil <script>window.__pwned = 'name'</script> entry" in text   # ... and readable as text
    assert "&lt;img src=x onerror=" in html
    assert "[here](javascript:window.__pwned='link')" in text
    assert 'href="https://doi.org/10.1000/182"' in html          # the good link in the same text survives
    assert 'href="https://arxiv.org/abs/1706.03762"' in html


def test_search_index_is_a_script_that_cannot_be_broken_out_of(site, hostile_catalog):
    text = (site / "search-index.js").read_text(encoding="utf-8")
    assert "<" not in text and ">" not in text
    ranking_line, index_line = text.splitlines()     # one statement a line: the ranking, the index
    assert ranking_line.startswith("window.TAXO_SEARCH = ") and index_line.startswith("window.TAXO_INDEX = ")
    assert json.loads(ranking_line.removeprefix("window.TAXO_SEARCH = ").rstrip(";")) == RANKING
    records = json.loads(index_line.removeprefix("window.TAXO_INDEX = ").rstrip(";"))
    assert len(records) == len(load_catalog(hostile_catalog).entries)
    hostile = next(r for r in records if r["id"] == "hostile")
    assert "<script>" in hostile["d"]       # the text is intact once parsed


@pytest.mark.parametrize("parallel_from", [10**9, 2])  # records made here, or by the page workers
def test_search_index_holds_each_entrys_record_in_site_order_as_one_compact_list(hostile_catalog, tmp_path,
                                                                                 monkeypatch, parallel_from):
    import taxonomy.parallel
    from taxonomy.site.render import build_site, index_record, script_json

    monkeypatch.setattr(taxonomy.parallel, "PARALLEL_FROM", parallel_from)
    render_site(hostile_catalog, tmp_path / "site", measurement_for=lambda probe: (None, None))
    site, _ = build_site(hostile_catalog, lambda probe: (None, None))
    index_line = (tmp_path / "site" / "search-index.js").read_text(encoding="utf-8").splitlines()[1]
    assert index_line == f"window.TAXO_INDEX = {script_json([index_record(e) for e in site.entries])};"


def test_sitemap_lists_every_page(site):
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    locs = set(re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert locs == {p.relative_to(site).as_posix() for p in pages(site)}


def test_base_url_makes_sitemap_and_canonical_links_absolute(hostile_catalog, tmp_path):
    render_site(hostile_catalog, tmp_path, base_url="https://example.org/taxo")
    assert "<loc>https://example.org/taxo/entries/fft.html</loc>" in (tmp_path / "sitemap.xml").read_text()
    assert 'rel="canonical" href="https://example.org/taxo/entries/fft.html"' in \
        (tmp_path / "entries" / "fft.html").read_text()


def test_a_measured_entry_shows_costs_and_both_charts(site, fft_record):
    record = fft_record
    html = (site / "entries" / "fft.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 2
    assert f"{record.baseline.flops:,}" in html and f"{record.optimized.flops:,}" in html
    assert f"{record.attribution.shares['unexplained']:.1%}" in html    # beside the chart
    assert f"n^{record.growth['baseline']['flops']:.2f}" in html       # growth exponents
    assert "&lt;script&gt;window.__pwned='m'&lt;/script&gt;" in html


def test_a_measured_entry_prices_the_saving_in_time_by_measure_and_by_mechanism(site, fft_record):
    from analyzer.machines import seconds_text
    priced = fft_record.priced
    html = (site / "entries" / "fft.html").read_text(encoding="utf-8")
    (line,) = re.findall(r'<p class="priced">(.*?)</p>', html, re.S)
    assert f"{seconds_text(priced.baseline)} for the baseline, {seconds_text(priced.optimized)} optimized" in line
    assert f"flops −{seconds_text(priced.by_measure['flops'])}" in line        # the FFT saves flops
    assert f"unexplained {priced.shares['unexplained']:.0%}" in line and priced.saved > 0


def test_an_unmeasured_probe_says_so(site):
    html = (site / "entries" / "memoization.html").read_text(encoding="utf-8")
    assert "no stored measurement yet" in html and "<svg" not in html


def test_a_hostile_id_cannot_write_outside_the_site(tmp_path):
    catalog, out = tmp_path / "catalog", tmp_path / "deep" / "site"
    catalog.mkdir()
    (catalog / "evil.yaml").write_text("id: ../../escaped\nname: Evil\ncategory: caching\nsummary: s\n")
    report = render_site(catalog, out, measurement_for=lambda probe: (None, None))
    assert report.entries == 1
    assert not (tmp_path / "escaped.html").exists() and not (tmp_path / "deep" / "escaped.html").exists()
    assert len(list((out / "entries").glob("escaped-*.html"))) == 1


def test_the_debate_scores_by_catalog_and_by_measurement(site):
    html = (site / "debate.html").read_text(encoding="utf-8")
    assert "The analyzer has measured <b>1</b> entries" in html
    unexplained = html.split("unexplained</span> (1)")[1].split("</ul>")[0]
    assert 'href="entries/fft.html"' in unexplained


def test_duplicate_ids_and_unreadable_files_are_skipped_not_fatal(tmp_path):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for name in ("a", "b"):
        (catalog / f"{name}.yaml").write_text("id: same\nname: Same\ncategory: caching\nsummary: s\n")
    (catalog / "broken.yaml").write_text("id: [unclosed\n")
    report = render_site(catalog, tmp_path / "site", measurement_for=lambda probe: (None, None))
    assert (report.entries, report.skipped) == (1, 2)


def test_an_entry_measured_on_torch_shows_both_measurements(tmp_path):
    from analyzer import store
    from taxonomy.site import render_site

    render_site(None, tmp_path / "out")  # the bundled catalog and its stored measurements
    page = (tmp_path / "out" / "entries" / "kv-cache.html").read_text(encoding="utf-8")
    assert "Measured by the analyzer" in page and "Measured on torch.nn modules" in page
    assert "taxo analyze torch_kv_cache" in page
    torch_section = page.split('id="measurement-torch_kv_cache"')[1]
    assert store.load("torch_kv_cache").verdict in torch_section
    fft = (tmp_path / "out" / "entries" / "fft.html").read_text(encoding="utf-8")
    assert "Measured on torch.nn modules" not in fft  # no torch probe, no section


def test_entries_show_who_links_to_them(tmp_path):
    from taxonomy.loader import load_catalog
    from taxonomy.paths import default_catalog
    from taxonomy.site import render_site

    entries = {e.id: e for e in load_catalog(default_catalog()).entries}
    one_way = next((a, b) for a in sorted(entries) for b in entries[a].related
                   if b in entries and a not in entries[b].related)
    render_site(None, tmp_path / "out")
    page = (tmp_path / "out" / "entries" / f"{one_way[1]}.html").read_text(encoding="utf-8")
    linked = page.split('<h2 id="linked-from">')[1].split("</section>")[0]
    assert f'entries/{one_way[0]}.html"' in linked


def test_a_measured_page_says_what_was_measured_shows_the_probe_and_links_the_method(site, fft_record):
    html = (site / "entries" / "fft.html").read_text(encoding="utf-8")
    assert f"The analyzer ran the probe <code>{fft_record.probe}</code>" in html
    assert "The probe's source" in html and "def baseline(" in html      # the probe itself
    assert 'href="../method.html"' in html and "What these words mean" in html
    method = (site / "method.html").read_text(encoding="utf-8")
    assert "Probe protocol" in method and "Tolerances" in method


def test_an_approximation_shows_what_it_saves_instead_of_an_attribution(tmp_path):
    from analyzer import store

    render_site(None, tmp_path / "out")   # the bundled catalog and its stored measurements
    html = (tmp_path / "out" / "entries" / "quantization.html").read_text(encoding="utf-8")
    section = html.split('id="measurement"')[1].split("</section>")[0]
    record = store.load("quantization")
    assert record.verdict == "ai-specific" and "does not apply" in section
    assert "Share of the saving" not in section                 # no attribution bars for a changed function
    decisive = re.findall(r'<tr class="decisive"><th scope="row"><strong>([^<]+)</strong>', section)
    assert "input bytes read" in decisive and f"{record.baseline.input_bytes:,}" in section


def test_entries_sharing_a_probe_each_show_their_own_filing_and_rerun_command(tmp_path, fft_record):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    for ident, category in (("a", "caching"), ("b", "inlining"), ("c", "caching")):
        (catalog / f"{ident}.yaml").write_text(f"id: {ident}\nname: {ident}\ncategory: {category}\nsummary: s\n"
                                               "probes: [{name: fft, front_end: scalar}]\n")
    render_site(catalog, tmp_path / "site", measurement_for=lambda probe: (fft_record, None))
    sections = {ident: (tmp_path / "site" / "entries" / f"{ident}.html").read_text(encoding="utf-8")
                .split('<section class="measurement"')[1].split("</section>")[0] for ident in "abc"}
    assert fft_record.verdict == "unexplained"          # so each filing differs from it, and says so
    assert "filing (caching)" in sections["a"] and "filing (inlining)" in sections["b"]
    assert [f"taxo analyze {ident}</code>" in sections[ident] for ident in "abc"] == [True] * 3
    assert sections["c"] == sections["a"].replace("taxo analyze a<", "taxo analyze c<")
