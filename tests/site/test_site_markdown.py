"""Untrusted Markdown: raw HTML is text, and only web, DOI and arXiv links become links."""
from __future__ import annotations

import pytest

from taxonomy.site.markdown import arxiv_href, doi_href, render_inline, render_markdown, safe_href


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a?b=1", "https://example.org/a?b=1"),
    ("http://example.org", "http://example.org"),
    ("doi:10.1090/S0025-5718-1965-0178586-1", "https://doi.org/10.1090/S0025-5718-1965-0178586-1"),
    ("arXiv:1706.03762", "https://arxiv.org/abs/1706.03762"),
])
def test_web_doi_and_arxiv_links_are_allowed(url, expected):
    assert safe_href(url) == expected


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "file:///etc/passwd", "/relative",
    "//evil.example/x", "https://", "doi:not-a-doi", "", None, 42,
])
def test_everything_else_is_refused(url):
    assert safe_href(url) is None


def test_raw_html_is_escaped_not_rendered():
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_javascript_link_stays_text_and_a_good_one_is_a_link():
    html = render_markdown("[bad](javascript:alert(1)) and [good](https://example.org)")
    assert "href=\"javascript" not in html and "[bad](javascript:alert(1))" in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">good</a>' in html


def test_images_are_never_loaded():
    assert "<img" not in render_markdown("![pixel](https://tracker.example/p.png)")


def test_doi_and_arxiv_fields_become_resolver_links():
    assert doi_href("10.1145/1234.5678") == "https://doi.org/10.1145/1234.5678"
    assert doi_href("javascript:alert(1)") is None
    assert arxiv_href("2101.00001") == "https://arxiv.org/abs/2101.00001"


def test_inline_markdown_has_no_paragraph():
    assert render_inline("`x` is *fast*") == "<code>x</code> is <em>fast</em>"
