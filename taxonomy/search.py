"""Ranked search over ids, names, aliases, tags, summaries and descriptions: one ranking for
`taxo search` and the site.

Each query word scores the weight of the best field it matches, times how it matches: a whole
word (1), the start of a word (0.5) or a word with a typo (0.4). A query that spells a whole
id, name or alias earns a bonus; one that starts one earns a bonus for the share it covers
(`quant` covers 5 of Quantization's 12 letters). The results are the entries that match every
word — or, when none does, the most words — best first, ties by id.

`RANKING` and `search_record` are written into the site's search index, and
`taxonomy/site/static/site.js` implements `rank` on them; tests/site/test_search_parity.py runs the
same queries through both and compares the order.

>>> [e.id for e, _ in search([Entry.from_dict({"id": "kv-cache", "name": "KV cache"}),
...                           Entry.from_dict({"id": "strassen", "name": "Strassen's algorithm"})], "stassen")]
['strassen']
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .lookup import edit_distance, word_text, words
from .model import Entry

RANKING: dict[str, Any] = {
    "fields": [["id", 12.0], ["name", 10.0], ["aliases", 8.0], ["tags", 4.0], ["summary", 4.0],
               ["rationale", 1.0], ["description", 1.0]],
    "exact": 1.0, "prefix": 0.5, "typo": 0.4,
    "prefix_min": 2,            # letters a word needs before it matches the start of another
    "typo_min": [4, 8],         # letters for one typo, for two
    "key_exact": 50.0,          # the query is the whole id, name or an alias
    "key_prefix": 20.0,         # times the share of the key that the query covers
}


def field_texts(entry: Entry) -> list[str]:
    """The entry's text of each ranked field, in RANKING's order."""
    texts = {"id": entry.id, "name": entry.name, "aliases": " ".join(entry.aliases), "tags": " ".join(entry.tags),
             "summary": entry.summary, "rationale": entry.rationale, "description": entry.description}
    return [texts[name] for name, _ in RANKING["fields"]]


# Every byte but a-z and 0-9 made a space: splitting what this leaves of a text's UTF-8 finds the
# words `words` finds (other characters' bytes are all >= 0x80), 2-3x faster than its regex.
_SPACE_BUT_WORD = bytes(c if 48 <= c <= 57 or 97 <= c <= 122 else 32 for c in range(256))


def distinct_words(text: str) -> str:
    """The distinct `words` of `text`, sorted and joined by spaces: a field as the index holds it.

    >>> distinct_words("Cache the cache; CACHE-line 2x"), distinct_words("Hörner's naïve")
    ('2x cache line the', 'horner naive s')
    """
    folded = word_text(text).encode("utf-8", "surrogatepass")
    return b" ".join(sorted(set(folded.translate(_SPACE_BUT_WORD).split()))).decode("ascii")


def search_record(entry: Entry) -> dict[str, Any]:
    """What the ranking reads of an entry: each field's distinct words, and its keys (id, name,
    aliases) as words; both the site's index and `search` use exactly this."""
    return {"f": [distinct_words(text) for text in field_texts(entry)],
            "k": [" ".join(key) for key in map(words, (entry.id, entry.name, *entry.aliases)) if key]}


def match_strength(word: str, token: str) -> float:
    """How a query word matches one word of an entry: whole, start of it, typo, or not (0)."""
    if word == token:
        return RANKING["exact"]
    if len(word) >= RANKING["prefix_min"] and token.startswith(word):
        return RANKING["prefix"]
    one, two = RANKING["typo_min"]
    allowed = 2 if len(word) >= two else 1 if len(word) >= one else 0
    if allowed and edit_distance(word, token, allowed) <= allowed:
        return RANKING["typo"]
    return 0.0


def rank(records: Sequence[dict[str, Any]], ids: Sequence[str], query: str) -> list[tuple[str, float]]:
    """(id, score) of the matching records, best first; `records[i]` belongs to `ids[i]`."""
    wanted = words(query)
    if not wanted:
        return []
    strengths: list[dict[str, float]] = [{} for _ in wanted]   # per query word: token -> strength
    joined = "".join(wanted)
    scored = []
    for record, ident in zip(records, ids):
        matched, total = 0, 0.0
        for n, word in enumerate(wanted):
            best = 0.0
            for (_, weight), text in zip(RANKING["fields"], record["f"]):
                for token in text.split():
                    strength = strengths[n].get(token)
                    if strength is None:
                        strength = strengths[n][token] = match_strength(word, token)
                    best = max(best, weight * strength)
            if best > 0:
                matched += 1
                total += best
        if not matched:
            continue
        keys = [key.replace(" ", "") for key in record["k"]]
        if joined in keys:
            total += RANKING["key_exact"]
        else:
            total += max([RANKING["key_prefix"] * len(joined) / len(key) for key in keys
                          if len(joined) >= RANKING["prefix_min"] and key.startswith(joined)] or [0.0])
        scored.append((matched, total, ident))
    most = max((matched for matched, _, _ in scored), default=0)
    scored = [item for item in scored if item[0] == most]
    scored.sort(key=lambda item: (-item[1], item[2]))
    return [(ident, total) for _, total, ident in scored]


def search(entries: Iterable[Entry], query: str, limit: int = 20) -> list[tuple[Entry, float]]:
    """The entries that match `query`, best first, with their scores."""
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    ranked = rank([search_record(e) for e in entries], [e.id for e in entries], query)
    return [(by_id[ident], total) for ident, total in ranked[:limit]]
