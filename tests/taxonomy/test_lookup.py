"""Finding entries by what people type."""
from __future__ import annotations

from taxonomy.lookup import keys_of, near_misses, normalize, slug


def test_normalize_ignores_case_punctuation_and_accents():
    assert normalize("Fast-Fourier  Transform!") == normalize("fast fourier transform") == "fastfouriertransform"
    assert normalize("Hörner's method") == "hornersmethod"


def test_slug_gives_the_file_stem():
    assert slug("Loop-invariant code motion") == "loop-invariant-code-motion"
    assert slug("Horner's method") == "horners-method"
    assert slug("../../etc/passwd") == "etc-passwd"  # a query never becomes a path outside the catalog


def test_keys_of_dedupes_and_keeps_id_first():
    assert keys_of("kv-cache", "KV cache", ["KV-Cache", "key-value cache"]) == ["kvcache", "keyvaluecache"]


def test_near_misses_suggest_closest_ids_once_each():
    index = {"memoization": "memoization", "memoisation": "memoization", "fft": "fft",
             "fastfouriertransform": "fft"}
    assert near_misses("memoizaton", index) == ["memoization"]
    assert near_misses("fourier", index) == ["fft"]
    assert near_misses("zzz", index) == []
