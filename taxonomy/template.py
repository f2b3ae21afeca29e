"""The commented template `taxo new NAME` writes for a contributor."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .control_chars import CONTROL, one_line
from .lookup import normalize, slug

TEMPLATE = '''\
# yaml-language-server: $schema={schema}
# A new taxo entry. Replace every TODO, then run `taxo validate --catalog {catalog}`.
# Every field is described in CONTRIBUTING.md and in the schema named above.
# id must equal the file name; aliases are the other names people type (abbreviations too).
id: {id}
name: {name}
aliases: []
# one of: {categories}
# (ai-specific: the function computed changes; add `improves: cost`, `quality` or `both`.
#  beyond-the-four: exact, but none of the four produces the saving; add `saved_by:`
#  algebraic-restructuring, data-movement, parallelism, scheduling or data-structure.)
category: TODO
summary: TODO one line saying what the optimization does.
description: |
  TODO A few short paragraphs of Markdown: what the baseline does, what the optimized
  version does instead, where it is used.
rationale: |
  TODO The mechanism: which work disappears, and why that makes it this category.
# Where people disagree, give each position neutrally, with a source:
positions: []
#  - category: caching         # any category, or unexplained: none of the four explains it
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
# probes: analyzer probes that measure it (analyzer/probes/<name>.py; see CONTRIBUTING.md)
#  - {{name: my_probe, front_end: scalar}}   # scalar, numpy or torch
'''


def yaml_text(text: str) -> str:
    """`text` as a double-quoted YAML scalar that reads back as exactly `text`.

    JSON strings are YAML 1.2 double-quoted scalars, so `C++ #pragma unroll` keeps its comment
    sign, `[WIP] tiling` stays text and `1e3` stays a string, not a number.

    >>> yaml_text("C++ #pragma unroll"), yaml_text("1e3")
    ('"C++ #pragma unroll"', '"1e3"')
    """
    return json.dumps(text, ensure_ascii=False)


def new_entry_text(name: str, catalog: Path, schema: Path) -> tuple[str, str]:
    """(id, file text) for an entry called `name`.

    >>> import yaml; ident, text = new_entry_text("[WIP] tiling: 1e3", Path("catalog"), Path("s.json"))
    >>> ident, yaml.safe_load(text)["name"]
    ('wip-tiling-1e3', '[WIP] tiling: 1e3')
    """
    ident = slug(name)
    try:
        schema_ref = Path(schema).resolve().relative_to(Path(catalog).resolve().parent)
        schema_text = f"../{schema_ref.as_posix()}"
    except ValueError:
        schema_text = Path(schema).resolve().as_uri()
    # Comment lines end at a line break: the paths in them are written on one line.
    from .categories import category_ids

    return ident, TEMPLATE.format(id=ident, name=yaml_text(name), schema=one_line(schema_text),
                                  catalog=one_line(str(catalog)), categories=", ".join(category_ids()))


def name_problem(name: str) -> str | None:
    """Why `name` cannot start an entry, or None.

    >>> name_problem("记忆表")
    "cannot make an id from '记忆表': ids are Latin letters, digits and hyphens; name the entry in Latin letters and add '记忆表' to its aliases"
    """
    bad = CONTROL.search(name)
    if bad:
        return f"the name holds the control character U+{ord(bad.group()):04X}; type it without escapes"
    if not slug(name):
        if normalize(name):
            return (f"cannot make an id from '{name}': ids are Latin letters, digits and hyphens; "
                    f"name the entry in Latin letters and add '{name}' to its aliases")
        return "the name needs at least one letter or digit"
    return None


def name_taken(name: str, catalog: Path) -> str | None:
    """Why `name` is taken in `catalog` (its file exists, or an entry answers to it), or None.

    The message is about the new name: the existing entry is not at fault.
    """
    from .index import EntryFinder

    ident = slug(name)
    target = Path(catalog) / f"{ident}.yaml"
    if os.path.lexists(target):
        return (f"the name '{name}' gives the id '{ident}', and {target} already exists; "
                "choose another name, or edit that file")
    data, _ = EntryFinder(Path(catalog)).find(name)
    if data is None:
        return None
    key = normalize(name)
    aliases = data.get("aliases") if isinstance(data.get("aliases"), list) else []
    field = next((f"{label} '{value}'" for label, value in [("id", data.get("id")), ("name", data.get("name")),
                  *(("alias", a) for a in aliases)] if normalize(str(value)) == key), "name")
    return (f"the name '{name}' is already taken: {Path(catalog) / (str(data.get('id')) + '.yaml')} "
            f"answers to it (its {field}); choose another name, or add to that entry")
