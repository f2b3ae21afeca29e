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
