"""An entry as a terminal card (`classify`: the essentials; `show`: everything) or as JSON."""
from __future__ import annotations

import json
from typing import Any

from .model import Entry
from .paths import analyzer_dir
from .terminal import Card


def stored_measurement(probe: str | None) -> dict | None:
    """The analyzer's stored result for a probe (analyzer/measurements/<probe>.json), if any.

    Read directly, without importing the analyzer, to keep `taxo classify` fast.
    Refreshed by `taxo analyze --all --store`.
    """
    if not probe:
        return None
    root = analyzer_dir()
    if root is None:
        return None
    path = root / "measurements" / f"{probe}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def entry_json(entry: Entry, measurement: dict | None = None, torch_measurement: dict | None = None) -> dict[str, Any]:
    out = entry.to_dict()
    out["measurement"] = measurement
    if entry.torch_probe:
        out["torch_measurement"] = torch_measurement
    return out


def _measurement_lines(card: Card, entry: Entry, measurement: dict, title: str, rerun: str) -> None:
    verdict = str(measurement.get("verdict", "?"))
    agrees = verdict == entry.category
    card.heading(title)
    card.field("verdict", f"{card.badge(verdict)}: "
                          f"{'agrees with' if agrees else 'differs from'} the catalog ({entry.category})")
    shares = measurement.get("attribution") or {}
    mechanisms = ("caching", "dead-code-elimination", "partial-evaluation", "inlining", "unexplained")
    ranked = sorted(((name, shares.get(name)) for name in mechanisms), key=lambda kv: -abs(kv[1] or 0))
    parts = [f"{name} {value:.0%}" for name, value in ranked
             if isinstance(value, (int, float)) and abs(value) >= 0.005]
    if parts:
        measure = shares.get("measure") if isinstance(shares.get("measure"), str) else "work"
        card.field("attribution", f"{', '.join(parts)} of the {measure} saved")
    if measurement.get("explanation"):
        card.paragraph(str(measurement["explanation"]))
    card.field("rerun", f"{rerun}  (stored results: taxo analyze --all --store)")


def render_entry(entry: Entry, *, full: bool, color: bool, columns: int, measurement: dict | None = None,
                 torch_measurement: dict | None = None, category_name: str | None = None) -> str:
    """The entry card; `full` adds description, complexity, example and the rest."""
    card = Card(color, columns)
    card.title(entry.name, entry.id, entry.category)
    card.paragraph(entry.summary)
    if entry.aliases:
        card.field("also", ", ".join(entry.aliases))
    card.field("domain", f"{entry.domain}" + ("" if entry.exact is None else
                                              ("; exact: same function" if entry.exact else
                                               "; approximate: changes the function")))
    if entry.introduced:
        card.field("introduced", str(entry.introduced))
    if full and entry.description:
        card.heading("What it does")
        card.paragraph(entry.description)
    card.heading(f"Why {category_name or entry.category}")
    card.paragraph(entry.rationale)
    if entry.positions:
        card.heading("Contested" if entry.contested else "Positions")
        for position in entry.positions:
            source = f" ({position.source})" if position.source else ""
            card.item(card.badge(position.category), position.argument + source)
    if measurement:
        _measurement_lines(card, entry, measurement, "Measured by the analyzer", f"taxo analyze {entry.id}")
    if torch_measurement:
        _measurement_lines(card, entry, torch_measurement, "Measured on torch.nn modules",
                           f"taxo analyze {entry.torch_probe}")
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
    if entry.probe:
        card.field("probe", f"{entry.probe} (taxo analyze {entry.id})")
    if entry.torch_probe:
        card.field("torch probe", f"{entry.torch_probe} (taxo analyze {entry.torch_probe})")


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
