"""Every stored measurement is what the analyzer measures today, field for field.

A stored file that was edited by hand, forged by a probe, or left behind by a change of the
analyzer fails here; the fix is `taxo analyze --all --store` (docs/trust-model.md)."""
from __future__ import annotations

import importlib.util
import os

import pytest

from analyzer import store
from analyzer.analysis import measure
from analyzer.measurement import REFRESH_COMMAND
from analyzer.probe import catalog_probe_names, catalog_probe_path, load

NAMES = catalog_probe_names()
HAS_TORCH = importlib.util.find_spec("torch") is not None


def test_every_catalog_probe_has_a_stored_measurement_and_every_stored_file_a_probe():
    stored = {p.stem for p in store.DIRECTORY.glob("*.json")}
    assert set(NAMES) - stored == set(), f"not measured: run {REFRESH_COMMAND}"
    assert stored - set(NAMES) == set(), "stored measurements of probes that no longer exist"


@pytest.mark.parametrize("name", NAMES)
def test_the_stored_measurement_is_what_the_analyzer_measures_now(name, monkeypatch):
    if name.startswith("torch_") and not HAS_TORCH:
        pytest.skip("needs torch")
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", os.environ.get("OPENBLAS_NUM_THREADS", "1"))
    stored = store.load(name)
    assert stored is not None, f"no stored measurement: run {REFRESH_COMMAND}"
    probe = load(catalog_probe_path(name))
    assert stored.sizes == probe.sizes, f"measured at other sizes: run {REFRESH_COMMAND}"
    fresh = measure(probe, probe.sizes, stored.claim).to_json()
    kept = stored.to_json()
    fresh.pop("seconds", None)
    assert kept == fresh, f"{name}: the stored measurement differs from a fresh one: run {REFRESH_COMMAND}"
