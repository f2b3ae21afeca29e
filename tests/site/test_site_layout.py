"""Every page on a phone (390×844) and a laptop (1280×800), deep links, and the keyboard paths."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 800}

# What sticks out of the page sideways, and the smallest chart label as drawn on screen.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const labels = [...document.querySelectorAll("svg.chart text")]
    .map(t => { const m = t.getScreenCTM(); return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b); });
  return {overflow: document.documentElement.scrollWidth - width,
          smallest_label: labels.length ? Math.min(...labels) : null};
}"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    yield page
    context.close()


def open_index(page, site: Path, query: str = "") -> None:
    page.goto((site / "index.html").as_uri() + query)
    page.wait_for_function("window.TAXO_READY === true")


def test_no_page_is_wider_than_a_phone_or_a_laptop(phone, site):
    problems = {}
    for path in sorted(site.rglob("*.html")):
        phone.set_viewport_size(PHONE)
        phone.goto(path.as_uri())
        for size, viewport in (("390", PHONE), ("1280", LAPTOP)):
            phone.set_viewport_size(viewport)
            seen = phone.evaluate(MEASURE)
            if seen["overflow"] > 0 or (seen["smallest_label"] is not None and seen["smallest_label"] < 11):
                problems[f"{path.relative_to(site)} at {size}"] = seen
    assert problems == {}


def test_the_measured_page_draws_its_charts_on_a_phone(phone, site):
    phone.goto((site / "entries" / "fft.html").as_uri())
    assert phone.locator("svg.chart").count() == 2
    assert phone.evaluate(MEASURE)["smallest_label"] >= 11


def test_on_a_phone_the_filters_scroll_away_and_results_start_above_the_fold(phone, site):
    open_index(phone, site)
    phone.fill("#q", "kv")
    assert phone.eval_on_selector("#controls", "e => getComputedStyle(e).position") != "sticky"
    first = phone.eval_on_selector("#entries > li", "e => e.getBoundingClientRect().bottom")
    assert first <= PHONE["height"]


def test_slash_focuses_the_search_and_enter_opens_the_top_hit(page, site):
    open_index(page, site)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    page.keyboard.type("stassen")
    # the address follows the box: read in the page (``page.url`` is the driver's copy, told of a
    # replaceState asynchronously: CI once read "?q=stasse" there, a keystroke behind)
    assert page.evaluate("location.href").endswith("index.html?q=stassen")
    page.keyboard.press("Enter")
    page.wait_for_url("**/entries/strassen.html")
    assert page.text_content("h1").startswith("Strassen")


def test_slash_in_a_field_is_just_a_character(page, site):
    open_index(page, site)
    page.click("#q")
    page.keyboard.type("a/b")
    assert page.input_value("#q") == "a/b"


def test_the_address_restores_the_search_after_reload(page, site):
    open_index(page, site)
    page.fill("#q", "quant")
    page.select_option("#domain", "ai")
    page.reload()
    page.wait_for_function("window.TAXO_READY === true")
    assert page.input_value("#q") == "quant" and page.input_value("#domain") == "ai"
    assert page.eval_on_selector("#entries > li", "e => e.dataset.id") == "quantization"


def test_the_first_tab_reaches_the_skip_link_which_moves_to_the_content(page, site):
    page.goto((site / "debate.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("path, current", [("index.html", "Catalog"), ("debate.html", "The debate"),
                                           ("categories/caching.html", "Caching")])
def test_the_navigation_marks_the_current_page(site, path, current):
    html = (site / path).read_text(encoding="utf-8")
    assert re.findall(r'aria-current="page">([^<]+)</a>', html) == [current]


def test_every_pages_navigation_leads_to_the_sites_pages_from_where_it_is(site):
    from taxonomy.loader import load_taxonomy

    links = 3 + len(load_taxonomy().categories)  # the brand, the catalog, each category, the debate
    for path in [site / "index.html", site / "entries" / "fft.html", site / "categories" / "caching.html"]:
        header = path.read_text(encoding="utf-8").split("<header")[1].split("</header>")[0]
        targets = re.findall(r'href="([^"]+)"', header)
        assert len(targets) == links and all((path.parent / t).resolve().is_file() for t in targets), path


def test_every_section_heading_has_an_id_and_a_link_to_itself(site):
    for path in sorted(site.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        for level, attributes, inner in re.findall(r"<h([23])([^>]*)>(.*?)</h\1>", html, re.S):
            ident = re.search(r'id="([^"]+)"', attributes)
            assert ident, f"{path.name}: <h{level}> without id: {inner[:40]}"
            assert f'<a class="anchor" href="#{ident.group(1)}"' in inner, f"{path.name}: {inner[:60]}"
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), f"{path.name}: repeated id"
