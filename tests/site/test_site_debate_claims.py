"""The debate page answers the eight claims, each with the catalog's facts and the analyzer's records."""
from __future__ import annotations

import re

from taxonomy.site import render_site


def _claims(html: str) -> dict[int, str]:
    """Claim number -> the HTML of its article."""
    found = re.findall(r'<article class="claim-answer" id="claim-(\d)">(.*?)</article>', html, re.S)
    return {int(n): body for n, body in found}


def test_the_debate_page_has_the_eight_claims_in_order_with_an_index(site):
    html = (site / "debate.html").read_text(encoding="utf-8")
    claims = _claims(html)
    assert list(claims) == list(range(1, 9))
    for number, body in claims.items():
        assert "<h3" in body and f"{number}. “" in body
        assert "<b>Answer.</b>" in body and "<h4>The catalog</h4>" in body and "<h4>The analyzer</h4>" in body
        assert f'href="#claim-{number}"' in html


def test_each_claim_shows_its_probes_measured_or_not_measured(site, fft_record):
    # the site fixture has one stored record, fft's: claim 5 quotes it, every other probe says it has none
    claims = _claims((site / "debate.html").read_text(encoding="utf-8"))
    fft = claims[5].split('<code>fft</code>')[1].split("</li>")[0]
    assert f'<span class="badge c-{fft_record.verdict}">{fft_record.verdict}</span>' in fft
    share = dict(fft_record.attribution.shares)[fft_record.verdict]
    assert f"{fft_record.verdict} {share:.0%}" in fft
    assert 'href="entries/fft.html#measurement"' in claims[5]
    for number, body in claims.items():
        cited = re.findall(r"<li><a href=\"[^\"]*\"><code>(\w+)</code>(.*?)</li>", body, re.S)
        assert cited, f"claim {number} cites no probe"
        for probe, line in cited:
            assert ("not measured yet" in line) == (probe != "fft"), (number, probe)


def test_the_claims_link_the_entries_they_cite(site):
    claims = _claims((site / "debate.html").read_text(encoding="utf-8"))
    assert 'href="entries/early-termination-of-activations.html"' in claims[8]
    assert 'href="entries/last-token-logits.html"' in claims[7]
    assert 'href="entries/lora.html"' in claims[6]


def test_a_catalog_without_the_cited_entries_still_renders_the_eight_claims(tmp_path):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "memo.yaml").write_text("id: memo\nname: Memo\ncategory: caching\nsummary: a tiny entry here\n")
    render_site(catalog, tmp_path / "site", measurement_for=lambda probe: (None, None))
    claims = _claims((tmp_path / "site" / "debate.html").read_text(encoding="utf-8"))
    assert list(claims) == list(range(1, 9))
    assert all("not measured yet" in body for body in claims.values())
