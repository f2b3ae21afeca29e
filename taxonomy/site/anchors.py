"""Deep links: every section heading of a page gets an id and a link to itself.

Runs on the HTML of a page's main block (a Jinja filter), so headings written by templates
and by Markdown descriptions are treated alike. Only bare `<h2>` and `<h3>` tags are touched;
their text is already escaped, and ids are built from letters and digits only.

>>> print(anchor_headings('<h2 id="x">Kept</h2><h2>What it <em>does</em></h2><p id="what-it-does"></p><h2>What it does</h2>'))
<h2 id="x">Kept</h2><h2 id="what-it-does-2">What it <em>does</em> <a class="anchor" href="#what-it-does-2" aria-label="Link to this section">#</a></h2><p id="what-it-does"></p><h2 id="what-it-does-3">What it does <a class="anchor" href="#what-it-does-3" aria-label="Link to this section">#</a></h2>
"""
from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

from markupsafe import Markup

_HEADING = re.compile(r"<h([23])>(.*?)</h\1>", re.S)
_TAG = re.compile(r"<[^>]*>")
# `\bid=…` would be the one pattern, but a leading \b stops the search from skipping ahead to
# "id=" (10x slower on a page); the word boundary is checked on each match instead.
_ID = re.compile(r"""id=["']([^"']+)["']""")


_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1024)  # most headings are the templates' own, the same on every page
def _slug(html: str) -> str:
    text = _TAG.sub("", html) if "<" in html else html
    text = (unescape(text) if "&" in text else text).lower()
    return "-".join(_WORD.findall(text))[:60].strip("-") or "section"


def _word_before(text: str, at: int) -> bool:
    return at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_")


def anchor_headings(html: str) -> Markup:
    """`html` with an id and a `#` self-link on each bare h2 and h3, ids unique in the page."""
    html = str(html)
    taken = {match.group(1) for match in _ID.finditer(html) if not _word_before(html, match.start())}

    def add(match: re.Match) -> str:
        level, inner = match.group(1), match.group(2)
        base = anchor = _slug(inner)
        number = 1
        while anchor in taken:
            number += 1
            anchor = f"{base}-{number}"
        taken.add(anchor)
        return (f'<h{level} id="{anchor}">{inner} <a class="anchor" href="#{anchor}" '
                f'aria-label="Link to this section">#</a></h{level}>')

    return Markup(_HEADING.sub(add, html))
