"""The measurement record: strict, versioned, round-trips, and stored atomically."""
from __future__ import annotations

import json

import pytest

from analyzer import store
from analyzer.analysis import measure
from analyzer.measurement import FORMAT, REFRESH_COMMAND, Measurement, MeasurementError, example
from analyzer.probe import catalog_probe_path, load


def test_a_real_record_round_trips_through_json():
    record = measure(load(catalog_probe_path("memoization")), (8, 10))
    again = Measurement.from_json(json.loads(json.dumps(record.to_json())))
    assert again == record
    assert again.savings["flops"] == record.baseline.flops - record.optimized.flops > 0


def test_shares_are_nested_apart_from_the_metadata():
    data = Measurement.from_json(example()).to_json()
    assert set(data["attribution"]) == {"measure", "savings", "shares", "removable", "explained"}
    assert data["attribution"]["shares"]["caching"] == 0.9


@pytest.mark.parametrize("change, named", [
    ({"format": None}, "no format version"),
    ({"format": 1}, "format 1"),
    ({"verdict": "maybe"}, "measurement.verdict: 'maybe' is not a verdict"),
    ({"direction": "sideways"}, "measurement.direction"),
    ({"cost": {"baseline": {"ops": 1}, "optimized": {}}}, "measurement.cost.baseline: missing field 'mults'"),
    ({"max_rel_error": "small"}, "measurement.max_rel_error: expected a number"),
    ({"attribution": {"measure": "flops", "savings": 1, "shares": {}, "removable": {}, "explained": {}}},
     "measurement.attribution.shares: missing field"),
])
def test_a_record_of_another_format_or_shape_is_refused_with_its_field_named(change, named):
    data = example(**change)
    if change.get("format", 0) is None:
        del data["format"]
    with pytest.raises(MeasurementError) as error:
        Measurement.from_json(data)
    assert named in str(error.value)


def test_an_old_format_says_how_to_remeasure():
    with pytest.raises(MeasurementError, match=REFRESH_COMMAND.replace(" ", r"\s")):
        Measurement.from_json(example(format=FORMAT - 1))


def test_store_round_trips_and_leaves_out_the_timing(tmp_path):
    record = Measurement.from_json(example(seconds=1.5))
    where = store.save(record, tmp_path)
    assert "seconds" not in json.loads(where.read_text())
    loaded = store.load("example", tmp_path)
    assert loaded.verdict == "caching" and loaded.seconds is None
    assert store.load("never_measured", tmp_path) is None


@pytest.mark.parametrize("content", ["", "{", '{"verdict": "caching"}', "[1, 2]"])
def test_a_damaged_stored_file_is_an_error_naming_the_file(tmp_path, content):
    (tmp_path / "broken.json").write_text(content)
    with pytest.raises(MeasurementError) as error:
        store.load("broken", tmp_path)
    assert "broken.json" in str(error.value) and REFRESH_COMMAND in str(error.value)


def test_an_interrupted_save_keeps_the_old_file_whole(tmp_path, monkeypatch):
    old = Measurement.from_json(example())
    store.save(old, tmp_path)
    before = (tmp_path / "example.json").read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(json, "dump", crash)
    with pytest.raises(KeyboardInterrupt):
        store.save(Measurement.from_json(example(verdict="inlining")), tmp_path)
    assert (tmp_path / "example.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["example.json"]    # no temporary left behind


def test_the_headline_reader_shows_what_a_card_needs_without_the_full_record(tmp_path):
    record = Measurement.from_json(example())
    store.save(record, tmp_path)
    headline = store.load_headline("example", tmp_path)
    assert (headline.verdict, headline.direction, headline.explanation) == (record.verdict, record.direction,
                                                                           record.explanation)
    assert headline.ranked() == record.ranked() and headline.measure == record.measure
    assert store.load_headline("never_measured", tmp_path) is None


@pytest.mark.parametrize("content", ['{"format": 3}', '{"format": 2, "verdict": "caching"}', "[]"])
def test_the_headline_reader_refuses_a_damaged_or_old_file_with_the_fix(tmp_path, content):
    (tmp_path / "bad.json").write_text(content)
    with pytest.raises(MeasurementError, match=REFRESH_COMMAND.replace(" ", r"\s")):
        store.load_headline("bad", tmp_path)


def test_taxo_classify_reads_the_headline_without_building_records():
    import subprocess
    import sys

    code = ("import sys; from taxonomy.__main__ import main\n"
            "try:\n    main(['classify', 'kv-cache'])\nexcept SystemExit:\n    pass\n"
            "print('analyzer.measurement' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "False"
