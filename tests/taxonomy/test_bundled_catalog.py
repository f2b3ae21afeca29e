"""The catalog we ship: valid, complete for the debate, and with references that resolve."""
from __future__ import annotations

from taxonomy import CATEGORIES
from taxonomy.loader import load_catalog
from taxonomy.paths import default_catalog
from taxonomy.validate import validate_catalog

# Everything the original debate names, and what people look up first (issue 2).
REQUIRED = """inlining partial-evaluation dead-code-elimination caching memoization
common-subexpression-elimination rlhf fft strassen winograd-convolution quantization kv-cache
flash-attention operator-fusion constant-folding loop-invariant-code-motion pruning
knowledge-distillation speculative-decoding activation-checkpointing mixed-precision lora batching
prefix-caching paged-attention""".split()


def test_bundled_catalog_validates():
    result = validate_catalog(default_catalog())
    assert [str(p) for p in result.problems] == []


def test_catalog_has_the_debated_and_most_looked_up_entries():
    ids = {e.id for e in load_catalog(default_catalog()).entries}
    assert len(ids) >= 40
    assert set(REQUIRED) - ids == set()


def test_every_category_is_used():
    used = {e.category for e in load_catalog(default_catalog()).entries}
    assert used == set(CATEGORIES)


def test_every_reference_has_an_identifier_and_a_first_author():
    for entry in load_catalog(default_catalog()).entries:
        for reference in entry.references:
            assert reference.link and reference.authors and reference.year, (entry.id, reference.title)
