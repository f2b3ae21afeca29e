"""The commented template `taxo new NAME` writes for a contributor."""
from __future__ import annotations

from pathlib import Path

from .lookup import slug

TEMPLATE = '''\
# yaml-language-server: $schema={schema}
# A new taxo entry. Replace every TODO, then run `taxo validate --catalog {catalog}`.
# Every field is described in CONTRIBUTING.md and in the schema named above.
# id must equal the file name; aliases are the other names people type (abbreviations too).
id: {id}
name: {name}
aliases: []
# one of: inlining, partial-evaluation, dead-code-elimination, caching, ai-specific
category: TODO
summary: TODO one line saying what the optimization does.
description: |
  TODO A few short paragraphs of Markdown: what the baseline does, what the optimized
  version does instead, where it is used.
rationale: |
  TODO The mechanism: which work disappears, and why that makes it this category.
# Where people disagree, give each position neutrally, with a source:
positions: []
#  - category: caching         # or unexplained: none of the four explains it
#    argument: TODO
#    source: TODO a paper or an http(s) URL
# domain: classic, ai or both. exact: does it compute the same function (up to rounding)?
domain: classic
exact: true
# complexity: {{before: O(n^2), after: O(n log n)}}
# example:
#   language: python
#   before: |
#     ...
#   after: |
#     ...
# related: ids of other entries
related: []
# introduced: 1970
references:
  # Real sources only: look each one up. Never guess a DOI or arXiv id.
  - title: TODO
    authors: [TODO First Author]
    year: 2000
    url: https://example.org/TODO
tags: []
'''


def new_entry_text(name: str, catalog: Path, schema: Path) -> tuple[str, str]:
    """(id, file text) for an entry called `name`."""
    ident = slug(name)
    try:
        schema_ref = Path(schema).resolve().relative_to(Path(catalog).resolve().parent)
        schema_text = f"../{schema_ref.as_posix()}"
    except ValueError:
        schema_text = Path(schema).resolve().as_uri()
    return ident, TEMPLATE.format(id=ident, name=name, schema=schema_text, catalog=catalog)
