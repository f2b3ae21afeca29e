"""An entry as a terminal card (`classify`: the essentials; `show`: everything) or as JSON."""
from __future__ import annotations

from .measured import ProbeResult, agrees
from .model import Entry
from .terminal import Card


def _measurement_lines(card: Card, entry: Entry, result: ProbeResult) -> None:
    card.heading(result.title)
    if result.error:
        card.field("unreadable", result.error)
        return
    m = result.measurement
    assert m is not None
    verdict = m.verdict + (" (in reverse)" if m.direction == "reverse" else "")
    card.field("verdict", f"{card.badge(m.verdict)}{verdict[len(m.verdict):]}: "
                          f"{'agrees with' if agrees(entry, m.verdict) else 'differs from'} "
                          f"the catalog ({entry.category})")
    parts = [f"{name} {value:.0%}" for name, value in m.ranked()]
    if parts:
        card.field("attribution", f"{', '.join(parts)} of the {m.measure or 'work'} saved")
    card.paragraph(m.explanation)
    card.field("rerun", f"{result.rerun}  (stored results: taxo analyze --all --store)")


def render_entry(entry: Entry, *, full: bool, color: bool, columns: int,
                 measured: tuple[ProbeResult, ...] = (), category_name: str | None = None) -> str:
    """The entry card; `full` adds description, complexity, example and the rest.

    When the headline measurement disagrees with the filing, the title line says so at once.
    """
    card = Card(color, columns)
    card.title(entry.name, entry.id, entry.category)
    headline = next((r for r in measured if r.measurement), None)
    if headline and not agrees(entry, headline.verdict):
        card.field("measured", f"{card.badge(headline.verdict or '')} (differs from the filing; "
                               f"see below{'' if not entry.filing_note else ' and the filing note'})")
    card.paragraph(entry.summary)
    if entry.aliases:
        card.field("also", ", ".join(entry.aliases))
    card.field("domain", f"{entry.domain}" + ("" if entry.exact is None else
                                              ("; exact: same function" if entry.exact else
                                               "; approximate: changes the function")))
    if entry.improves:
        card.field("improves", {"cost": "the cost of computing", "quality": "the quality of the result",
                                "both": "both cost and quality"}.get(entry.improves, entry.improves))
    if entry.saved_by:
        card.field("saved by", entry.saved_by.replace("-", " "))
    if entry.introduced:
        card.field("introduced", str(entry.introduced))
    if full and entry.description:
        card.heading("What it does")
        card.paragraph(entry.description)
    if category_name is None:
        from .categories import taxonomy

        known = taxonomy().category(entry.category)
        category_name = known.name if known else entry.category
    card.heading(f"Why {category_name}")
    card.paragraph(entry.rationale)
    if entry.positions:
        card.heading("Contested" if entry.contested else "Positions")
        for position in entry.positions:
            source = f" ({position.source})" if position.source else ""
            card.item(card.badge(position.category), position.argument + source)
    if entry.filing_note:
        card.heading("Why filed otherwise than measured")
        card.paragraph(entry.filing_note)
    for result in measured:
        if result.measurement or result.error:
            _measurement_lines(card, entry, result)
    if full:
        _details(card, entry)
    if entry.related:
        card.heading("Related")
        card.paragraph(", ".join(entry.related))
    if entry.references:
        card.heading("References")
        for reference in entry.references:
            card.item("", reference.citation + (f" — {reference.link}" if reference.link else ""))
    return str(card)


def _details(card: Card, entry: Entry) -> None:
    data = entry.data
    complexity = data.get("complexity")
    if isinstance(complexity, dict):
        card.heading("Complexity")
        card.field("before", str(complexity.get("before", "")))
        card.field("after", str(complexity.get("after", "")))
        if complexity.get("measure"):
            card.field("counting", str(complexity["measure"]))
    example = data.get("example")
    if isinstance(example, dict):
        card.heading("Example")
        for side in ("before", "after"):
            card.lines.append(f"  {side}:")
            card.verbatim(str(example.get(side, "")))
    for key, title in (("preconditions", "Preconditions"), ("trade_offs", "Trade-offs")):
        if isinstance(data.get(key), list) and data[key]:
            card.heading(title)
            for text in data[key]:
                card.item("", str(text))
    if entry.inverse:
        card.heading("Inverse of")
        card.paragraph(entry.inverse)
    implementations = data.get("implementations")
    if isinstance(implementations, list) and implementations:
        card.heading("Implementations")
        for item in implementations:
            if isinstance(item, dict):
                card.item("", str(item.get("name", "")) + (f" — {item['url']}" if item.get("url") else ""))
    if entry.tags:
        card.heading("Tags")
        card.paragraph(", ".join(entry.tags))
    for probe in entry.probes:
        card.field("probe", f"{probe.name}, {probe.front_end} front-end (taxo analyze {probe.name})")
