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


def test_contrary_measurements_are_stated_in_positions():
    """Where a probe's stored verdict does not support the filing, a position says so, with the command."""
    from taxonomy.measured import agrees, results

    for entry in load_catalog(default_catalog()).entries:
        for result in results(entry):
            assert result.error is None, result.error
            if result.measurement is None or agrees(entry, result.verdict):
                continue
            stated = [p for p in entry.positions if p.category in (result.verdict, "beyond-the-four")
                      and "taxo analyze" in (p.source or "")]
            assert stated, f"{entry.id}: {result.probe.name} measured {result.verdict}, filed {entry.category}"


def test_every_catalog_probe_backs_an_entry():
    from taxonomy.checks import probes_dir

    named = {p.name for e in load_catalog(default_catalog()).entries for p in e.probes}
    written = {p.stem for p in probes_dir().glob("*.py") if not p.stem.startswith("_")}
    assert written - named == set(), "probes no entry names"


def test_each_probe_claims_the_verdict_its_entry_expects():
    from analyzer.probe import catalog_probe_path, declared_claim
    from taxonomy.categories import taxonomy

    for entry in load_catalog(default_catalog()).entries:
        expected = taxonomy().category(entry.category).verdict
        for probe in entry.probes:
            assert declared_claim(catalog_probe_path(probe.name)) == expected, (entry.id, probe.name)
