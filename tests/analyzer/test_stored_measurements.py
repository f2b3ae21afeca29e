"""Every stored measurement is what the analyzer measures today, field for field (floats to
their last bits, which another numpy's summation order moves).

A stored file that was edited by hand, forged by a probe, or left behind by a change of the
analyzer fails here; the fix is `taxo analyze --all --store` (docs/trust-model.md)."""
from __future__ import annotations

import importlib.util
import math
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
    assert _same(kept, fresh), f"{name}: the stored measurement differs from a fresh one: run {REFRESH_COMMAND}"


def _same(kept, fresh) -> bool:
    """Equal field for field, floats to within what another numpy's summation order moves them
    (1e-9 relative, 1e-12 absolute: a growth exponent's last bits, an error of 1e-15 against 2e-15);
    every other value exactly, so a verdict, a count or a name that changed still fails."""
    if isinstance(kept, float) or isinstance(fresh, float):
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (kept, fresh)):
            return False
        return (math.isnan(kept) and math.isnan(fresh)) or math.isclose(kept, fresh, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(kept, dict) and isinstance(fresh, dict):
        return kept.keys() == fresh.keys() and all(_same(kept[k], fresh[k]) for k in kept)
    if isinstance(kept, list) and isinstance(fresh, list):
        return len(kept) == len(fresh) and all(map(_same, kept, fresh))
    return type(kept) is type(fresh) and kept == fresh


@pytest.mark.parametrize("kept, fresh, same", [
    (7.474971057386472, 7.4749710573864725, True),         # numpy 2.4 against 2.5, Python 3.11 against 3.12
    ({"max_rel_error": 8.8e-16}, {"max_rel_error": 1.7e-15}, True),
    (7.47, 7.48, False),
    ({"max_rel_error": 1e-3}, {"max_rel_error": 2e-3}, False),
    ({"verdict": "caching"}, {"verdict": "inlining"}, False),
    ({"flops": 10}, {"flops": 11}, False),
    ({"flops": 10}, {"flops": 10.0}, True),
    ([1.0, 2.0], [1.0], False),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    (None, 0.0, False),
])
def test_stored_and_fresh_agree_to_the_last_bits_of_a_float_only(kept, fresh, same):
    assert _same(kept, fresh) is same
