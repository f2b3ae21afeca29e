"""Rich views of many entries: lists, search results, categories, statistics."""
from __future__ import annotations

import re
from collections import Counter

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .categories import taxonomy as bundled_taxonomy
from .model import Entry, Taxonomy


def console() -> Console:
    """Rich console; piped output gets a fixed, roomy width so it is stable and readable."""
    import sys

    return Console(highlight=False, width=None if sys.stdout.isatty() else 120)


def badge(category: str) -> Text:
    known = bundled_taxonomy().category(category)
    return Text(category, style="bold " + (known.color.terminal if known else "white"))


def tab_separated(entries: list[Entry]) -> str:
    """One entry a line for pipes: id, category, domain and summary separated by tabs, with
    tabs, line breaks and control characters in contributed text turned into spaces.

    >>> from .model import Entry
    >>> tab_separated([Entry.from_dict({"id": "fft", "category": "caching", "domain": "classic",
    ...                                 "summary": "Reuse\\tshared\\x1b[31m products"})])
    'fft\\tcaching\\tclassic\\tReuse shared [31m products\\n'
    """
    return "".join("\t".join(_one_line(field) for field in (e.id, e.category, e.domain, e.summary)) + "\n"
                   for e in entries)


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PADDING = 2 * 4 + 2      # a cell's padding on both sides, and the table's edges
_SUMMARY_MIN = 40         # narrower than this, the summary goes under its entry instead


def entries_view(entries: list[Entry], width: int, title: str | None = None) -> RenderableType:
    """Entries for a terminal `width` columns wide, never splitting an id or a word: a table
    when the summary column gets at least 40 columns, else one block per entry (id, category
    and domain on one line, the summary wrapped below it)."""
    widest = lambda texts: max((len(t) for t in texts), default=0)  # noqa: E731
    fixed = widest(e.id for e in entries) + widest(e.category for e in entries) + widest(e.domain for e in entries)
    heading = [Text(title, style="bold")] if title else []
    if fixed + _PADDING + _SUMMARY_MIN <= width:
        table = Table(box=box.SIMPLE_HEAD, expand=False)
        table.add_column("id", style="bold", no_wrap=True)
        table.add_column("category", no_wrap=True)
        table.add_column("domain", no_wrap=True)
        table.add_column("summary", ratio=1)
        for entry in entries:
            table.add_row(_one_line(entry.id), badge(entry.category), _one_line(entry.domain), _one_line(entry.summary))
        return Group(*heading, table)
    blocks: list[RenderableType] = []
    for entry in entries:
        blocks.append(Text.assemble("\n", (_one_line(entry.id), "bold"), "  ", badge(entry.category),
                                    "  ", (_one_line(entry.domain), "dim")))
        blocks.append(Padding(Text(_one_line(entry.summary)), (0, 0, 0, 4), expand=False))
    return Group(*heading, *blocks)


def print_entries(entries: list[Entry], title: str) -> None:
    """On a terminal, `entries_view` at its width; piped, `tab_separated` (no title, no colour)."""
    import sys

    if not sys.stdout.isatty():
        sys.stdout.write(tab_separated(entries))
        return
    out = console()
    out.print(entries_view(entries, out.width, title))


def categories_table(taxonomy: Taxonomy, entries: list[Entry]) -> Table:
    counts = Counter(e.category for e in entries)
    table = Table(title=taxonomy.claim, title_justify="left", show_lines=True)
    table.add_column("category", no_wrap=True)
    table.add_column("entries", justify="right")
    table.add_column("definition")
    table.add_column("what the analyzer measures")
    for category in taxonomy.categories:
        table.add_row(badge(category.id), str(counts.get(category.id, 0)), category.definition, category.measures)
    return table


def stats_tables(taxonomy: Taxonomy, entries: list[Entry]) -> list[Table]:
    by_category = Counter(e.category for e in entries)
    by_domain = Counter(e.domain for e in entries)
    table = Table(title=f"{len(entries)} entries", title_justify="left")
    table.add_column("category", no_wrap=True)
    for domain in ("classic", "ai", "both"):
        table.add_column(domain, justify="right")
    table.add_column("total", justify="right")
    table.add_column("contested", justify="right")
    for category in taxonomy.ids:
        in_category = [e for e in entries if e.category == category]
        table.add_row(badge(category), *(str(sum(e.domain == d for e in in_category)) for d in ("classic", "ai", "both")),
                      str(by_category.get(category, 0)), str(sum(e.contested for e in in_category)))
    table.add_row("all", *(str(by_domain.get(d, 0)) for d in ("classic", "ai", "both")), str(len(entries)),
                  str(sum(e.contested for e in entries)), style="bold")
    from .json_views import stats_json

    counts = stats_json(taxonomy, entries)     # the same figures as `taxo stats --json`
    facts = Table(show_header=False, title="evidence", title_justify="left")
    facts.add_column("what")
    facts.add_column("count", justify="right")
    facts.add_row("exact (same function)", str(counts["exact"]))
    facts.add_row("approximate (changes the function)", str(counts["approximate"]))
    facts.add_row("entries with an analyzer probe", str(counts["probed"]))
    facts.add_row("  measured verdict agrees with the filing", str(counts["agree"]))
    facts.add_row("  measured verdict differs (see taxo analyze --all)", str(counts["disagree"]))
    if counts["unreadable_measurements"]:
        facts.add_row("  stored measurements that cannot be read", str(counts["unreadable_measurements"]))
    refs = counts["references"]
    facts.add_row("references", str(refs["total"]))
    facts.add_row("  with a DOI", str(refs["doi"]))
    facts.add_row("  with an arXiv id", str(refs["arxiv"]))
    facts.add_row("  with a URL only", str(refs["url_only"]))
    return [table, facts]
