"""Ranked full-text search over names, aliases, summaries and descriptions.

Each query word scores by where it appears (name beats alias beats summary beats body);
entries that match every word rank above those that match only some.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from .lookup import normalize
from .model import Entry

_WEIGHTS = (("id", 12.0), ("name", 10.0), ("aliases", 8.0), ("tags", 4.0), ("summary", 4.0),
            ("rationale", 1.0), ("description", 1.0))
_WORD = re.compile(r"[a-z0-9]+")


def _fields(entry: Entry) -> dict[str, str]:
    return {"id": entry.id.replace("-", " "), "name": entry.name, "aliases": " | ".join(entry.aliases),
            "tags": " ".join(entry.tags), "summary": entry.summary, "rationale": entry.rationale,
            "description": entry.description}


def score(entry: Entry, words: list[str]) -> tuple[int, float]:
    """(how many query words matched, weighted score)."""
    fields = {key: set(_WORD.findall(text.lower())) for key, text in _fields(entry).items()}
    matched, total = 0, 0.0
    for word in words:
        best = 0.0
        for key, weight in _WEIGHTS:
            tokens = fields[key]
            if word in tokens:
                best = max(best, weight)
            elif len(word) >= 3 and any(t.startswith(word) for t in tokens):
                best = max(best, weight / 2)
        if best:
            matched += 1
            total += best
    if normalize(" ".join(words)) in (normalize(entry.name), normalize(entry.id)):
        total += 50
    return matched, total


def search(entries: Iterable[Entry], query: str, limit: int = 20) -> list[tuple[Entry, float]]:
    """Entries that match at least one word of `query`, best first."""
    words = _WORD.findall(query.lower())
    if not words:
        return []
    ranked = []
    for entry in entries:
        matched, total = score(entry, words)
        if matched:
            ranked.append((matched, total, entry))
    ranked.sort(key=lambda item: (-item[0], -item[1], item[2].id))
    return [(entry, total) for _, total, entry in ranked[:limit]]
