"""Every `--json` output of `taxo`, shaped in one place per record type.

entries (`classify`/`show`, `list`/`search` rows, `export`), measurements (an entry's probes),
the taxonomy (`categories`), statistics (`stats`). docs/json.md documents each shape and
tests/taxonomy/test_json_views.py holds the commands to it. `taxo analyze --json` prints the
analyzer's own record (``Measurement.to_json``), documented there too.
"""
from __future__ import annotations

import json
from collections import Counter
from typing import Any, Iterable

from .measured import ProbeResult, agrees, results
from .model import Entry, Taxonomy

ROW_FIELDS = ("id", "name", "category", "domain", "summary")


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def probe_json(result: ProbeResult) -> dict[str, Any]:
    """One probe of an entry: its name, front-end, stored record (or null) and any error."""
    return {"probe": result.probe.name, "front_end": result.probe.front_end,
            "measurement": result.measurement.to_json() if result.measurement else None,
            "error": result.error}


def entry_json(entry: Entry, measured: Iterable[ProbeResult] | None = None) -> dict[str, Any]:
    """The whole entry as written, plus what its probes measured and whether that agrees."""
    measured = tuple(results(entry) if measured is None else measured)
    out = entry.to_dict()
    out["measurements"] = [probe_json(r) for r in measured]
    headline = next((r for r in measured if r.measurement), None)
    out["measured_verdict"] = headline.verdict if headline else None
    out["agrees"] = agrees(entry, headline.verdict) if headline else None
    return out


def entry_row(entry: Entry, score: float | None = None) -> dict[str, Any]:
    """An entry in a list: `list --json`, `search --json` (with its score)."""
    row = {"id": entry.id, "name": entry.name, "category": entry.category, "domain": entry.domain,
           "summary": entry.summary}
    if score is not None:
        row["score"] = round(score, 3)
    return row


def taxonomy_json(taxonomy: Taxonomy, entries: Iterable[Entry] = ()) -> dict[str, Any]:
    """`categories --json`: the claim, each filing with its count, and the analyzer's outcomes."""
    counts = Counter(e.category for e in entries)
    category = lambda c: {"id": c.id, "name": c.name, "definition": c.definition,  # noqa: E731
                          "measures": c.measures, "mechanism": c.mechanism, "verdict": c.verdict,
                          "examples": list(c.examples), "entries": counts.get(c.id, 0)}
    return {"claim": taxonomy.claim, "critics": list(taxonomy.critics),
            "categories": [category(c) for c in taxonomy.categories],
            "outcomes": [{"id": o.id, "name": o.name, "definition": o.definition} for o in taxonomy.outcomes]}


def stats_json(taxonomy: Taxonomy, entries: list[Entry]) -> dict[str, Any]:
    """`stats --json`: counts per category and domain, probes, agreement, references."""
    measured = [(e, results(e)) for e in entries]
    headlines = [(e, r) for e, rs in measured if (r := next((x for x in rs if x.measurement), None))]
    references = [r for e in entries for r in e.references]
    by_category = {c: {"total": 0, "classic": 0, "ai": 0, "both": 0, "contested": 0} for c in taxonomy.ids}
    for e in entries:
        row = by_category.setdefault(e.category, {"total": 0, "classic": 0, "ai": 0, "both": 0, "contested": 0})
        row["total"] += 1
        row[e.domain] = row.get(e.domain, 0) + 1
        row["contested"] += e.contested
    return {
        "entries": len(entries), "by_category": by_category,
        "exact": sum(e.exact is True for e in entries), "approximate": sum(e.exact is False for e in entries),
        "probed": sum(bool(e.probes) for e in entries), "measured": len(headlines),
        "agree": sum(agrees(e, r.verdict) for e, r in headlines),
        "disagree": sum(not agrees(e, r.verdict) for e, r in headlines),
        "unreadable_measurements": sum(1 for _, rs in measured for r in rs if r.error),
        "references": {"total": len(references), "doi": sum(bool(r.doi) for r in references),
                       "arxiv": sum(bool(r.arxiv) for r in references),
                       "url_only": sum(not r.doi and not r.arxiv and bool(r.url) for r in references)},
    }


def export_json(taxonomy: Taxonomy, entries: list[Entry], version: str) -> dict[str, Any]:
    """`export --json`: the taxonomy and every entry with its measurements, in one document."""
    return {"taxo_version": version, **taxonomy_json(taxonomy, entries),
            "entries": [entry_json(e) for e in sorted(entries, key=lambda e: e.id)]}
