"""Torch modules and transformers models in styles the catalog lacks, with the verdict (and,
where a formula gives them, the counts) derived by hand before the analyzer ran.

Probes are in tests/analyzer_torch/unseen/. Costs follow analyzer/tracers/torch_cost.py: an
elementwise op costs one flop of its kind per output element, an op the cost model does not know
(``triu``) one other flop per output element, ``(m,k) @ (k,n)`` m*k*n mults and m*(k-1)*n adds,
factories (``arange``, ``ones``) nothing. A misread is ``xfail(strict=True)`` stating the truth.

Not tested, because the method does not settle it: ``bert_padding`` (a sequence padded to a fixed
length with attention_mask 0 on the pads, the pads' outputs dropped, against unpadded). Every
operation on a pad changes no kept output, yet the pads' keys and values are *read* by every real
query -- scored, then given a softmax weight of exactly 0 -- so in the dataflow sense liveness uses
they reach the output. The analyzer reads 88% unexplained, 11% dead (the last layer's pad rows
past its keys and values); its residue line says 4% of the optimized version's flops compute
values the baseline never computes (it said 99% while the residue compared whole values: each
unpadded value is rows of a padded one). Semantically it is dead-code elimination (or sparsity: "skip what the mask
zeroes"); whether work multiplied by a zero weight is dead is the open question (docs/analyzer.md,
Known limits: "Multiplying by a static zero is not folded").
"""
from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the torch front-end needs the optional extra: pip install '.[torch]'")

from analyzer.analysis import measure  # noqa: E402
from analyzer.probe import load  # noqa: E402

UNSEEN = Path(__file__).parent / "unseen"


def run(name: str, size: int | None = None):
    probe = load(UNSEEN / f"{name}.py")
    return probe, measure(probe, (size or probe.sizes[0],))


def transformers_run(name: str):
    pytest.importorskip("transformers", reason="the transformers probes need transformers")
    return run(name)


# --- torch modules -------------------------------------------------------------------------

def test_an_alibi_bias_rebuilt_in_every_layer_is_caching():
    t = 16
    probe, m = run("alibi_per_layer", t)
    heads, layers = probe.module.HEADS, probe.module.LAYERS
    # alibi(): arange (a factory: free), pos[None] - pos[:, None] (t^2 subs), abs (t^2 other),
    # * slopes (heads * t^2 mults); built once per layer against once per forward
    per_bias = (heads * t * t, t * t, t * t)
    saved = tuple(a - b for a, b in zip((m.baseline.mults, m.baseline.adds, m.baseline.other),
                                        (m.optimized.mults, m.optimized.adds, m.optimized.other)))
    assert saved == tuple((layers - 1) * c for c in per_bias)
    assert m.attribution.explained["caching"] == m.attribution.savings == (layers - 1) * sum(per_bias)
    assert m.verdict == "caching"


def test_a_causal_mask_rebuilt_in_every_layer_saves_the_repeated_triu():
    t = 16
    probe, m = run("causal_mask_per_layer", t)
    layers = probe.module.LAYERS
    # ones (free) then triu: t^2 other flops (not in the cost model: one per element)
    assert m.baseline.flops - m.optimized.flops == (layers - 1) * t * t
    assert m.baseline.mults == m.optimized.mults and m.baseline.adds == m.optimized.adds
    assert m.evidence["baseline"].redundant_flops - m.evidence["optimized"].redundant_flops == (layers - 1) * t * t
    assert m.equivalence == "equal"


def test_a_causal_mask_rebuilt_in_every_layer_is_caching():
    probe, m = run("causal_mask_per_layer", 16)
    layers = probe.module.LAYERS
    # 512 of 58,953 flops is under 1%, so the boundaries decide. Each causal_mask() call after the
    # first crosses 1 call, 2 launches (ones, triu) and 2 intermediates: 5 (L - 1) saved. The
    # repeated triu is recomputation, and the ones only it reads goes with it: caching removes
    # 4 (L - 1); what is left, the calls, is inlining's.
    assert m.attribution.measure == "boundaries"
    assert m.attribution.savings == 5 * (layers - 1)
    assert m.attribution.explained["caching"] == 4 * (layers - 1)
    assert m.attribution.explained["inlining"] == layers - 1
    assert m.verdict == "caching"


# --- transformers models -----------------------------------------------------------------------

def test_bert_output_hidden_states_saves_nothing():
    _, m = transformers_run("bert_hidden_states")
    # the flag collects references to each layer's output, computed either way
    assert m.baseline.flops == m.optimized.flops and m.baseline.launches == m.optimized.launches
    assert m.verdict == "none"


def test_gpt_neox_logits_to_keep_is_dead_code_elimination():
    probe, m = transformers_run("gpt_neox_logits_to_keep")
    n, width, vocab = probe.sizes[0], probe.module.WIDTH, probe.module.VOCAB
    # embed_out (no bias) on the n - 1 earlier positions: vocab dot products of width each
    head_rows = (n - 1) * vocab * (width + width - 1)
    assert m.baseline.flops - m.optimized.flops == head_rows
    assert m.attribution.explained["dead-code-elimination"] == head_rows
    assert m.verdict == "dead-code-elimination"


@pytest.mark.parametrize("name", ["qwen2_use_cache", "t5_use_cache"])
def test_use_cache_in_other_architectures_is_caching(name):
    _, m = transformers_run(name)
    shares = m.attribution.shares
    # without the cache every step recomputes the earlier positions' rows (and T5 re-projects the
    # encoder output into cross-attention keys and values); the rows no step reads (the last
    # layer's past its keys and values) are dead, claimed first
    assert m.equivalence == "equal"
    assert m.verdict == "caching", m.explanation
    assert shares["caching"] > 0.5 and shares["dead-code-elimination"] > 0.05
    assert shares["unexplained"] < 0.01
