"""docs/findings.md is exactly what the catalog and the stored measurements say today."""
from __future__ import annotations

from pathlib import Path

from taxonomy.findings import findings

ROOT = Path(__file__).parents[2]


def test_findings_doc_is_regenerated():
    written = (ROOT / "docs" / "findings.md").read_text(encoding="utf-8")
    assert written == findings(ROOT / "catalog"), \
        "docs/findings.md is stale: run `python -m taxonomy.findings > docs/findings.md`"


def test_findings_flag_each_disagreement_with_the_catalog():
    from taxonomy.loader import load_catalog
    from taxonomy.measured import agrees, results

    entries = load_catalog(ROOT / "catalog").entries
    disagreeing = [e for e in entries for r in results(e) if r.measurement and not agrees(e, r.verdict)]
    text = findings(ROOT / "catalog")
    assert text.count("**disagrees**") == len(disagreeing)
    for entry in disagreeing:
        assert f"[{entry.name}](../catalog/{entry.id}.yaml) | {entry.category} |" in text


# --- The debate, claim by claim --------------------------------------------------------------

def _sections(text: str) -> dict[int, str]:
    """Claim number -> the Markdown of its section."""
    debate = text.split("## The debate, claim by claim", 1)[1]
    parts = debate.split("\n### ")[1:]
    return {int(part.split(".", 1)[0]): part for part in parts}


def test_findings_answer_the_eight_claims_in_order():
    sections = _sections(findings(ROOT / "catalog"))
    assert list(sections) == list(range(1, 9))
    for section in sections.values():
        assert "**Answer.**" in section and "The catalog:" in section and "The analyzer" in section


def test_every_claim_cites_a_probe_measured_or_says_it_is_not_measured():
    from analyzer import store

    for number, section in _sections(findings(ROOT / "catalog")).items():
        cited = [line for line in section.splitlines() if line.startswith("- [`")]
        assert cited, f"claim {number} cites no probe"
        for line in cited:
            probe = line.split("`")[1]
            record = store.load(probe)
            if record is None:
                assert "not measured yet" in line, line
            else:
                assert f"**{record.verdict}" in line, line


def _facts(view_for, catalog=None):
    from taxonomy.categories import taxonomy
    from taxonomy.debate import Facts
    from taxonomy.loader import load_catalog

    return Facts(load_catalog(catalog or ROOT / "catalog").entries, taxonomy(), view_for)


def test_without_stored_measurements_every_claim_says_so_and_quotes_no_measured_figure():
    from taxonomy.debate_claims import claims

    for claim in claims(_facts(lambda probe: (None, None))):
        assert claim.measured and all(not e.measured for e in claim.measured)
        assert all(e.details.startswith("not measured yet") for e in claim.measured)
        assert "%" not in claim.conclusion, claim.conclusion      # shares come only from measurements


def test_an_unreadable_record_is_named_not_hidden():
    from taxonomy.debate_claims import claims

    broken = claims(_facts(lambda probe: (None, f"{probe}.json: format: expected 2")))
    assert all("cannot be read" in e.summary and e.probe in e.summary for c in broken for e in c.measured)


def test_the_catalog_figures_follow_the_catalog(tmp_path):
    # one more function-changing entry from outside machine learning moves claim 3's count
    import shutil

    from taxonomy.debate_claims import ai_unique

    catalog = tmp_path / "catalog"
    shutil.copytree(ROOT / "catalog", catalog)
    before = ai_unique(_facts(lambda probe: (None, None), catalog))
    source = (catalog / "bloom-filter.yaml").read_text(encoding="utf-8")
    (catalog / "bloom-filter-copy.yaml").write_text(
        source.replace("id: bloom-filter", "id: bloom-filter-copy").replace("name: Bloom filter", "name: Bloom copy"),
        encoding="utf-8")
    after = ai_unique(_facts(lambda probe: (None, None), catalog))
    older = lambda claim: next(p for p in claim.catalog if "outside machine learning" in p.text).entries  # noqa: E731
    assert len(older(after)) == len(older(before)) + 1
    assert f"{len(older(after))} of its" in after.answer


def _measured(probe: str, sizes: tuple[int, ...]):
    from analyzer.analysis import measure
    from analyzer.probe import catalog_probe_path, load
    from taxonomy.site.measurement import measurement_view

    return measurement_view(measure(load(catalog_probe_path(probe), ), sizes))


def test_claim_5_names_the_recursions_unexplained_share_as_its_repeated_products_by_one():
    from taxonomy.debate_claims import fft_is_caching

    view = _measured("fft_recursion_memoization", (4, 8))
    claim = fft_is_caching(_facts(lambda probe: (view, None) if probe == "fft_recursion_memoization" else (None, None)))
    # n = 8: sub-lengths 2, 4, 8 hold (8/m)^2 products by w^0 in the baseline and 8/m in the memo: 12 + 2 + 0
    assert "its 14 repeated products by w^0 = 1 at n = 8" in claim.conclusion
    assert "measures caching" in claim.conclusion


def test_claim_8_quotes_the_probes_multiplications_and_the_missing_dead_code():
    from taxonomy.debate_claims import neuron_early_exit

    view = _measured("early_termination", (8,))
    rows = {row.name: row for row in view.costs}
    claim = neuron_early_exit(_facts(lambda probe: (view, None) if probe == "early_termination" else (None, None)))
    assert (f"does {rows['mults'].optimized:,.0f} multiplications where the baseline does "
            f"{rows['mults'].baseline:,.0f}") in claim.conclusion
    assert "dead-code elimination explains 0% of the saving" in claim.conclusion
    assert "the measurement disagrees" in claim.conclusion    # filed dead-code elimination, measured unexplained
