"""Every catalog probe is a real computation whose measured verdict is the one we report."""
from __future__ import annotations

import pytest

from analyzer.probe import catalog_probe_names, catalog_probe_path, declared_claim, load
from analyzer.worker import measure

MEASURED = {
    "memoization": "caching",
    "common_subexpression_elimination": "caching",
    "loop_invariant_code_motion": "caching",
    "constant_folding": "partial-evaluation",
    "dead_code_elimination": "dead-code-elimination",
    "inlining": "inlining",
    "fft": "unexplained",               # value numbering of the DFT reproduces only part of the saving
    "strassen": "unexplained",
    "winograd_convolution": "unexplained",
    "quantization": "ai-specific",
    "pruning": "ai-specific",
    "kv_cache": "caching",
    "operator_fusion": "inlining",
    "activation_checkpointing": "caching",   # in reverse
}


def test_the_catalog_probes_are_exactly_the_named_ones():
    assert set(catalog_probe_names()) == set(MEASURED)


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_catalog_probe_verdict(name):
    probe = load(catalog_probe_path(name))
    result = measure(probe, probe.sizes[:2])
    assert result["verdict"] == MEASURED[name], result["explanation"]
    assert declared_claim(catalog_probe_path(name)) == probe.claim


def test_kv_cache_saves_the_reprojected_rows():
    result = measure(load(catalog_probe_path("kv_cache")), (8,))
    a = result["attribution"]
    assert result["equivalence"] == "equal"
    assert a["caching"] > 0.95 and a["explained"]["caching"] == pytest.approx(a["savings"])


def test_activation_checkpointing_trades_work_for_memory():
    result = measure(load(catalog_probe_path("activation_checkpointing")), (8,))
    assert result["savings"]["flops"] < 0 < result["savings"]["peak_bytes"]
    assert result["direction"] == "reverse"


def test_fft_caching_share_is_partial():
    a = measure(load(catalog_probe_path("fft")), (64,))["attribution"]
    assert 0 < a["caching"] < 0.5 < a["unexplained"]
