"""categories.yaml is the only list of categories: the schema, the analyzer and the views follow it."""
from __future__ import annotations

import json

from analyzer.measurement import SHARE_KEYS, VERDICTS, Mechanism
from taxonomy.categories import _ANSI, css, taxonomy
from taxonomy.paths import SCHEMA_PATH


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_the_schema_offers_exactly_the_filings():
    assert schema()["definitions"]["category"]["enum"] == list(taxonomy().ids)


def test_positions_may_also_name_the_unexplained_outcome():
    assert schema()["definitions"]["position_category"]["enum"] == [*taxonomy().ids, "unexplained"]


def test_the_analyzer_measures_exactly_the_mechanism_categories():
    assert tuple(m.value for m in Mechanism) == taxonomy().mechanisms
    assert set(SHARE_KEYS) == {*taxonomy().mechanisms, "unexplained"}


def test_every_verdict_the_analyzer_reaches_is_named_in_the_taxonomy():
    assert set(VERDICTS) == set(taxonomy().verdicts)
    for category in taxonomy().categories:
        assert category.verdict in VERDICTS, category.id


def test_each_filing_and_outcome_has_a_terminal_colour_and_site_colours():
    for c in (*taxonomy().categories, *taxonomy().outcomes):
        assert c.color.terminal in _ANSI, c.id
        assert f"--{c.id}: {c.color.light};" in css() and f"--{c.id}: {c.color.dark};" in css()
        assert f".c-{c.id} {{" in css()


def test_beyond_the_four_agrees_with_an_unexplained_measurement_and_nothing_else():
    t = taxonomy()
    assert t.agrees("beyond-the-four", "unexplained")
    assert not t.agrees("beyond-the-four", "caching") and not t.agrees("caching", "unexplained")
    assert t.agrees("caching", "caching") and not t.agrees("caching", None)
