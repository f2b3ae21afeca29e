"""Finding an entry by what a person types: id, name or alias, ignoring case and punctuation.

>>> normalize("Fast-Fourier  Transform!"), normalize("KV cache"), normalize("Horner's method")
('fastfouriertransform', 'kvcache', 'hornersmethod')
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lowercase, accents folded, everything but letters and digits dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("", folded.lower())


def slug(text: str) -> str:
    """The id a name would have: `Loop-invariant code motion` -> `loop-invariant-code-motion`."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("-", folded.lower().replace("'", "")).strip("-")


def keys_of(entry_id: str, name: str, aliases: Iterable[str]) -> list[str]:
    """Every normalized key an entry answers to, its id first."""
    keys = [normalize(entry_id), normalize(name), *(normalize(a) for a in aliases)]
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


def near_misses(query: str, index: Mapping[str, str], limit: int = 3) -> list[str]:
    """Entry ids whose keys look like the query, closest first (for "did you mean …?")."""
    wanted = normalize(query)
    if not wanted:
        return []
    close = difflib.get_close_matches(wanted, list(index), n=limit * 3, cutoff=0.6)
    close += [k for k in index if len(wanted) >= 3 and (k.startswith(wanted) or wanted in k)]
    ids: list[str] = []
    for key in close:
        if index[key] not in ids:
            ids.append(index[key])
    return ids[:limit]
