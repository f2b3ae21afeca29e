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
    from taxonomy.entry_view import stored_measurement
    from taxonomy.loader import load_catalog

    entries = load_catalog(ROOT / "catalog").entries
    disagreeing = [e for e in entries for probe in (e.probe, e.torch_probe)
                   if (m := stored_measurement(probe)) and m["verdict"] != e.category]
    text = findings(ROOT / "catalog")
    assert text.count("**disagrees**") == len(disagreeing)
    for entry in disagreeing:
        assert f"[{entry.name}](../catalog/{entry.id}.yaml) | {entry.category} |" in text
