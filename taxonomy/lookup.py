"""Finding an entry by what a person types: id, name or alias, ignoring case and punctuation.

>>> normalize("Fast-Fourier  Transform!"), normalize("KV cache"), normalize("Horner's method")
('fastfouriertransform', 'kvcache', 'hornersmethod')
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


# Cyrillic and Greek letters drawn like Latin ones, by their Latin twin: a name typed with a
# Cyrillic а must not count as another name than the Latin one. A small table, not all of
# Unicode's confusables (UTS #39): Latin look-alikes among themselves (l 1 I, 0 O, rn m) and
# other scripts (Armenian, Cherokee) are left out; NFKC already folds full-width and math letters.
_LOOK_ALIKES = str.maketrans(
    "АВЕЅІЈКМНОРСТУХҮҺӀԚԜаеѕіјорсухүһӏԁԛԝ" "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧαικνορυχ",
    "ABESIJKMHOPCTYXYhIQWaesijopcyxyhldqw" "ABEZHIKMNOPTYXaikvopux")
_LATIN_ACCENTS = re.compile("[\u0300-\u036f]")  # combining diacritics: é -> e, ö -> o


def normalize(text: str) -> str:
    """The key a name is found by: Latin accents folded (NFKD), NFKC, look-alike letters made
    Latin, casefolded, and only letters, marks and digits kept, of any script.

    >>> normalize("记忆表"), normalize("Mеmо tаblе") == normalize("memo table")
    ('记忆表', True)
    """
    if text.isascii():  # every step but the last is the identity on ASCII, and casefold is lower
        return _NOT_ALNUM.sub("", text.lower())
    folded = unicodedata.normalize("NFKC", _LATIN_ACCENTS.sub("", unicodedata.normalize("NFKD", text)))
    folded = folded.translate(_LOOK_ALIKES).casefold()
    return "".join(char for char in folded if unicodedata.category(char)[0] in "LNM")


def slug(text: str) -> str:
    """The id a name would have: `Loop-invariant code motion` -> `loop-invariant-code-motion`."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_ALNUM.sub("-", folded.lower().replace("'", "")).strip("-")


def keys_of(entry_id: str, name: str, aliases: Iterable[str]) -> list[str]:
    """Every normalized key an entry answers to, its id first."""
    keys = [normalize(entry_id), normalize(name), *(normalize(a) for a in aliases)]
    return [k for i, k in enumerate(keys) if k and k not in keys[:i]]


_WORD = re.compile(r"[a-z0-9]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _drop_marks(run: re.Match) -> str:
    return "".join(c for c in run.group() if not unicodedata.category(c).startswith("M"))


def words(text: str) -> list[str]:
    """The words that search and suggestions compare: lowercase, accents folded, split at
    anything but a-z and 0-9 (site.js splits a query the same way).

    >>> words("Hörner's method, 2nd-order"), words("naïve — ω² e\u20d7x")
    (['horner', 's', 'method', '2nd', 'order'], ['naive', '2', 'ex'])
    """
    return _WORD.findall(word_text(text))


def word_text(text: str) -> str:
    """`text` lowercased, with accents folded and combining marks dropped: what `words` splits
    (any character but a-z and 0-9 separates two words).

    >>> word_text("Hörner's — naïve")
    "horner's — naive"
    """
    lowered = text.lower()
    if lowered.isascii():  # NFKD leaves ASCII as it is
        return lowered
    folded = unicodedata.normalize("NFKD", lowered)
    # Combining marks are dropped; only non-ASCII runs can hold one, so only they are looked at.
    return folded if folded.isascii() else _NON_ASCII.sub(_drop_marks, folded)


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits from `a` to `b` (insert, delete, substitute, swap two neighbours), or `limit + 1`
    as soon as it is certain to exceed `limit`.

    >>> edit_distance("stassen", "strassen", 2), edit_distance("caching", "cahcing", 2), edit_distance("a", "xyz", 1)
    (1, 1, 2)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before, previous = [], list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return min(previous[-1], limit + 1)


def closeness(query_words: list[str], key_words: list[str]) -> float:
    """How well a query names a key, 0 for not at all: the whole key (4), a prefix of it (3 and
    more), a prefix of one of its words (2 and more), inside it (1 and more), a typo (0.6–1).
    Within a rank, the more of the key the query covers, the better."""
    wanted, key = "".join(query_words), "".join(key_words)
    if not wanted or not key:
        return 0.0
    if wanted == key:
        return 4.0
    cover = len(wanted) / len(key)
    if len(wanted) >= 2 and key.startswith(wanted):
        return 3.0 + cover
    if len(wanted) >= 3 and any(word.startswith(wanted) for word in key_words):
        return 2.0 + cover
    if len(wanted) >= 3 and wanted in key:
        return 1.0 + cover
    longest = max(len(wanted), len(key))
    limit = longest * 2 // 5                  # at most 40% of the letters differ
    distance = edit_distance(wanted, key, limit)
    return 1.0 - distance / longest if distance <= limit else 0.0


def suggest(query: str, candidates: Mapping[str, str], limit: int = 3) -> list[str]:
    """The values of the keys closest to `query`, best first, each once: the one "did you mean"
    of every command (entries by id, name or alias; categories) and of the site's search.

    >>> entries = {"Quantization": "quantization", "KV cache quantization": "kv-cache-quantization",
    ...            "KV cache": "kv-cache", "Memoization": "memoization", "Strassen": "strassen"}
    >>> suggest("quant", entries), suggest("kv", entries, 1), suggest("stassen", entries), suggest("zzz", entries)
    (['quantization', 'kv-cache-quantization'], ['kv-cache'], ['strassen'], [])
    """
    wanted = words(query)
    best: dict[str, float] = {}
    for key, value in candidates.items():
        score = closeness(wanted, words(key))
        if score > best.get(value, 0.0):
            best[value] = score
    return sorted(best, key=lambda value: (-best[value], value))[:limit]


def near_misses(query: str, index: Mapping[str, str], limit: int = 3) -> list[str]:
    """Entry ids whose keys look like the query, closest first (for "did you mean …?")."""
    return suggest(query, index, limit)
