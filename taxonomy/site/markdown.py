"""Untrusted text to safe HTML: Markdown without raw HTML, and links limited to the web.

Only `http(s)` URLs, DOIs and arXiv ids become links; `doi:10.1/x` and `arXiv:2101.00001`
are rewritten to their resolvers. Everything else (`javascript:`, `data:`, relative paths)
stays as plain text, and images are off so a page never loads anything from elsewhere.

>>> str(render_markdown("[x](javascript:alert(1)) <b>hi</b>"))
'<p>[x](javascript:alert(1)) &lt;b&gt;hi&lt;/b&gt;</p>\\n'
>>> safe_href("doi:10.1090/S0025")
'https://doi.org/10.1090/S0025'
"""
from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, urlsplit

from markupsafe import Markup

_DOI = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.I)
_ARXIV = re.compile(r"^arxiv:(\S+)$", re.I)
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: str | None) -> str | None:
    """The URL to link to, or None when it is not an http(s) URL, a DOI or an arXiv id.

    >>> safe_href("javascript:alert(1)") is None
    True
    >>> safe_href("arXiv:1706.03762")
    'https://arxiv.org/abs/1706.03762'
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _CONTROL.search(url):  # browsers drop tabs/newlines: "java\tscript:" is a trap
        return None
    if url.lower().startswith("doi:"):
        doi = _DOI.match(url)
        return f"https://doi.org/{quote(doi.group(1), safe='/:;()._-')}" if doi else None
    arxiv = _ARXIV.match(url)
    if arxiv:
        return f"https://arxiv.org/abs/{quote(arxiv.group(1), safe='/._-')}"
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def doi_href(doi: str | None) -> str | None:
    """`10.1090/S0025…` (or `doi:…`, or a doi.org URL) -> its https://doi.org/ address."""
    if not isinstance(doi, str) or not doi.strip():
        return None
    match = _DOI.match(doi.strip())
    return f"https://doi.org/{quote(match.group(1), safe='/:;()._-')}" if match else None


def arxiv_href(arxiv: str | None) -> str | None:
    """`1706.03762` (or `arXiv:1706.03762`) -> its https://arxiv.org/abs/ address."""
    if not isinstance(arxiv, str) or not arxiv.strip():
        return None
    ident = arxiv.strip()
    ident = ident[6:] if ident.lower().startswith("arxiv:") else ident
    return safe_href(f"arXiv:{ident}") if ident and not _CONTROL.search(ident) else None


@lru_cache(maxsize=1)
def _parser():
    import logging

    from markdown_it import MarkdownIt

    # markdown-it logs a debug line on entering every block rule, hundreds of thousands for a
    # large site; nobody reads them, and a disabled logger returns at once (~14% of the parsing).
    logging.getLogger("markdown_it").disabled = True
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.disable("image")  # no network resources, ever
    md.validateLink = lambda url: safe_href(url) is not None

    def link_open(renderer, tokens, idx, options, env):
        token = tokens[idx]
        token.attrSet("href", safe_href(token.attrGet("href")) or "#")
        token.attrSet("rel", "nofollow noopener noreferrer")
        return renderer.renderToken(tokens, idx, options, env)

    md.add_render_rule("link_open", link_open)
    return md


def render_markdown(text: str | None) -> Markup:
    """Block Markdown (paragraphs, lists, code) as HTML that is safe to embed."""
    if not text:
        return Markup("")
    return Markup(_rendered(str(text), inline=False))


def render_inline(text: str | None) -> Markup:
    """One line of Markdown (`code`, *emphasis*, links) without a surrounding paragraph."""
    if not text:
        return Markup("")
    return Markup(_rendered(str(text), inline=True))


@lru_cache(maxsize=4096)
def _rendered(text: str, *, inline: bool) -> str:
    """The HTML of a text, rendered once per process: sources, titles and shared passages repeat."""
    return _parser().renderInline(text) if inline else _parser().render(text)
