"""torchvision models get the verdicts docs/analyzer.md defines (skipped without torchvision, whose
wheels need the matching torch build: `pip install torchvision` brings one). Each probe in
torchvision_probes/ changes a resnet18 in one known way; the expected figures are counted from
the model itself (its module tree, forward hooks), not from the analyzer."""
from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="needs torch")
torchvision = pytest.importorskip("torchvision", reason="needs torchvision (pip install torchvision)")

from analyzer.analysis import measure  # noqa: E402
from analyzer.probe import load  # noqa: E402

PROBES = Path(__file__).parent / "torchvision_probes"


def measured(name: str):
    probe = load(PROBES / f"{name}.py")
    return probe, measure(probe, probe.sizes)


def test_classifying_the_same_batch_twice_is_recomputation():
    _, m = measured("resnet_twice")
    assert m.verdict == "caching" and m.equivalence == "equal"
    # the second forward is the whole saving: one forward's flops, all of it recomputation
    assert m.baseline.flops - m.optimized.flops == pytest.approx(m.optimized.flops, rel=1e-3)
    assert m.attribution.shares["caching"] > 0.99


def test_a_classifier_whose_output_is_dropped_is_dead_code():
    probe, m = measured("resnet_dead_head")
    fc = probe.module.inputs(probe.sizes[0])["model"].fc
    batch = 2
    assert m.verdict == "dead-code-elimination"
    # the dropped layer: batch x in x out multiplications and as many additions (bias included)
    assert m.baseline.mults - m.optimized.mults == batch * fc.in_features * fc.out_features
    assert m.attribution.shares["dead-code-elimination"] > 0.99


def test_fx_tracing_flattens_the_module_tree_so_its_calls_are_inlined():
    probe, m = measured("resnet_fx_trace")
    model = probe.module.inputs(probe.sizes[0])["model"]
    # symbolic_trace keeps leaf modules (conv, bn, relu, ...) as calls and inlines the forward of
    # every module that has children, below the root: layers, blocks, downsample sequences
    inlined = sum(1 for sub in model.modules() if list(sub.children())) - 1
    assert m.baseline.flops == m.optimized.flops
    assert m.baseline.calls - m.optimized.calls == inlined
    assert m.verdict == "inlining"


def test_folding_batch_norm_into_convolutions_saves_launches_for_a_negligible_arithmetic_change():
    probe, m = measured("resnet_bn_fuse")
    model = probe.module.inputs(probe.sizes[0])["model"]
    elements, channels = [], []
    hooks = [bn.register_forward_hook(lambda mod, i, o: elements.append(o.numel()))
             for bn in model.modules() if isinstance(bn, torch.nn.BatchNorm2d)]
    channels = [bn.num_features for bn in model.modules() if isinstance(bn, torch.nn.BatchNorm2d)]
    with torch.no_grad():
        model(probe.module.inputs(probe.sizes[0])["x"])
    for h in hooks:
        h.remove()
    # gone per call: each batch norm's per-element scale, and its per-channel scale and shift
    # (two multiplications a channel); the per-element shift stays as the fused convolution's bias
    assert m.baseline.mults - m.optimized.mults == sum(elements) + 2 * sum(channels)
    assert m.baseline.launches - m.optimized.launches >= len(channels)
    assert m.verdict == "inlining"      # under 1% of the arithmetic: the launches decide
