"""Fixtures: the bundled catalog plus a hostile entry, rendered once per session, and a
real Chromium driven by Playwright (skipped, with the reason, when it is not installed)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from taxonomy.paths import default_catalog

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Every contributed field is untrusted: each of these must reach the page as text.
HOSTILE = """\
id: hostile
name: "Evil <script>window.__pwned = 'name'</script> entry"
aliases: ["<img src=x onerror=\\"window.__pwned='alias'\\">"]
category: caching
summary: "<img src=x onerror=\\"window.__pwned='summary'\\"> tiny summary"
description: |
  Click [here](javascript:window.__pwned='link') or [there](JaVaScRiPt:alert(1)).
  <script>window.__pwned = 'description'</script>
  <img src=x onerror="window.__pwned='img'">
  A fine [paper](doi:10.1000/182) and <a href="javascript:alert(1)">raw</a>.
rationale: "<svg onload=\\"window.__pwned='rationale'\\"></svg>"
positions:
  - category: "\\"><img src=x onerror=alert(1)>"
    argument: "<iframe src=javascript:alert(1)></iframe>"
    source: "[src](javascript:alert(1))"
domain: "classic\\"><script>alert(1)</script>"
related: ["fft", "\\"><script>alert(1)</script>"]
inverse: "<b>bold</b>"
introduced: 1999
example:
  before: "</code></pre><script>window.__pwned='example'</script>"
  after: ok
references:
  - title: "</cite><script>window.__pwned='ref'</script>"
    authors: ["A. <b>Author</b>"]
    year: 2020
    url: "javascript:window.__pwned='url'"
  - title: Fine reference
    authors: [B. Author]
    year: 2021
    arxiv: "1706.03762"
implementations:
  - name: "<script>alert(1)</script>"
    url: "data:text/html,<script>alert(1)</script>"
tags: ["</script><script>window.__pwned='tag'</script>"]
"""

def _fft_record():
    """A real record of the fft probe, its explanation made hostile (text that reaches HTML)."""
    from dataclasses import replace

    from analyzer.analysis import measure
    from analyzer.probe import catalog_probe_path, load

    record = measure(load(catalog_probe_path("fft")), (16, 32, 64))
    return replace(record, explanation=record.explanation + " <script>window.__pwned='m'</script>")


FAKE_MEASUREMENT = _fft_record()


def fake_measurements(probe: str):
    """(record, error) as taxonomy.measured.stored returns them: fft measured, the rest not."""
    return (FAKE_MEASUREMENT, None) if probe == "fft" else (None, None)


@pytest.fixture(scope="session")
def fft_record():
    """The record the site fixture shows for fft."""
    return FAKE_MEASUREMENT


@pytest.fixture(scope="session")
def hostile_catalog(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("catalog") / "catalog"
    shutil.copytree(default_catalog(), root)
    (root / "hostile.yaml").write_text(HOSTILE, encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def site(hostile_catalog, tmp_path_factory) -> Path:
    """The rendered site of the bundled catalog plus the hostile entry, fft measured."""
    from taxonomy.site import render_site

    out = tmp_path_factory.mktemp("site")
    render_site(hostile_catalog, out, measurement_for=fake_measurements)
    return out


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots are kept for people to look at (gitignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="browser tests need `pip install playwright`")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page that records dialogs and page errors; no request may leave file://."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    page.dialogs, page.errors, page.external = [], [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(("file:", "data:", "about:")) else page.external.append(r.url))
    yield page
    context.close()
