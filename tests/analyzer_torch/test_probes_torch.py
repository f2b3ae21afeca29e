"""The torch probes measure real torch.nn computations, and the analyzer agrees with torch's own compiler passes."""
from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="the torch probes need the optional extra: pip install '.[torch]'")

from analyzer import store  # noqa: E402
from analyzer.measurement import REFRESH_COMMAND  # noqa: E402
from analyzer.probe import catalog_probe_names, catalog_probe_path, load  # noqa: E402
from analyzer.analysis import measure, passes, trace_version  # noqa: E402

MEASURED = {
    "torch_kv_cache": "caching",
    "torch_batchnorm_folding": "unexplained",    # the per-element scale goes by linearity, not staging
    "torch_quantization": "ai-specific",
    "torch_pruning": "ai-specific",
    "torch_attention_fusion": "inlining",
    "torch_flash_attention": "inlining",          # by traffic: the scores never leave fast memory
    "torch_activation_checkpointing": "caching",  # in reverse
    "torch_fx_dead_code_elimination": "dead-code-elimination",
    "torch_fx_constant_folding": "partial-evaluation",
}


def measured(name: str, sizes: tuple[int, ...] | None = None) -> dict:
    probe = load(catalog_probe_path(name))
    return measure(probe, sizes or probe.sizes[:1])


def traced(name: str, version: str, size: int):
    """(probe module, Measured) of one version, prepared as the worker prepares it."""
    p = load(catalog_probe_path(name))
    _, trace, _ = trace_version(p, version, size)
    return p.module, passes(trace)


def test_the_torch_probes_are_exactly_the_named_ones():
    assert {n for n in catalog_probe_names() if n.startswith("torch_")} == set(MEASURED)


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_torch_probe_verdict(name):
    result = measured(name)
    assert result.verdict == MEASURED[name], result.explanation


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_every_torch_probe_has_a_fresh_stored_result(name):
    stored = store.load(name)
    assert stored is not None, f"no stored result: run {REFRESH_COMMAND}"
    assert stored.sizes == load(catalog_probe_path(name)).sizes, f"stale: run {REFRESH_COMMAND}"
    assert stored.verdict == MEASURED[name]


def test_kv_cache_saves_the_reprojected_rows_of_earlier_tokens():
    """Re-running the prefix recomputes every earlier row (caching); of those, the top layer's
    rows past its keys and values, and the logits of earlier positions, are read by no step at
    all (dead, and claimed by dead-code elimination first). The bottom layer is all caching."""
    result = measured("torch_kv_cache", (8,))
    shares = result.attribution.shares
    assert result.equivalence == "equal" and result.verdict == "caching"
    assert shares["caching"] > 0.5 and shares["dead-code-elimination"] > 0.2
    assert shares["caching"] + shares["dead-code-elimination"] > 0.95


def test_checkpointing_recomputes_to_save_memory():
    result = measured("torch_activation_checkpointing", (8,))
    assert result.savings["flops"] < 0 < result.savings["peak_bytes"]
    assert result.direction == "reverse"


def test_pruning_keeps_the_dense_work_and_adds_the_mask_multiply():
    result = measured("torch_pruning", (8,))
    assert result.equivalence == "changed"
    assert result.optimized.flops > result.baseline.flops       # no savings: more work
    # the extra work is weight_orig * weight_mask, recomputed on every call from static inputs
    assert result.evidence["optimized"].static_flops == 2 * 64 * 64
    assert result.optimized.mults - result.baseline.mults == 2 * 64 * 64


def test_quantization_reads_int8_weights():
    result = measured("torch_quantization", (8,))
    assert result.equivalence == "changed"
    assert result.optimized.input_bytes < result.baseline.input_bytes / 3


def test_batchnorm_folding_stages_only_the_per_channel_work():
    result = measured("torch_batchnorm_folding", (8,))
    a = result.attribution
    assert result.equivalence == "equal"
    assert a.explained["partial-evaluation"] == result.evidence["baseline"].static_flops > 0
    assert a.shares["unexplained"] > 0.5


def test_fused_attention_does_the_same_arithmetic_in_one_launch():
    result = measured("torch_attention_fusion", (16,))
    # the same arithmetic up to the baseline's scale 1/sqrt(d), which the instrumented probe code counts
    assert abs(result.savings["flops"]) <= 0.01 * result.baseline.flops and result.optimized.launches == 1
    assert result.verdict == "inlining"


def test_dead_ops_are_exactly_those_of_the_nodes_fx_dce_removed():
    import copy

    from torch import fx
    mod, m = traced("torch_fx_dead_code_elimination", "baseline", 8)
    gm = fx.symbolic_trace(mod.Net())
    before = {n.name for n in gm.graph.nodes}
    after = copy.deepcopy(gm)
    after.graph.eliminate_dead_code()
    removed = before - {n.name for n in after.graph.nodes}
    assert removed == {"b", "tanh", "mul"}
    dead = sorted(m.trace.records[i][4][4] for i in m.liveness.dead)
    # node b (a Linear) is aten t + addmm; tanh and mul are one aten op each
    assert dead == sorted(["t", "addmm", "tanh", "mul"])
    assert {m.trace.functions[m.trace.records[i][3]] for i in m.liveness.dead} >= {"model.b"}


def test_static_ops_are_exactly_those_of_the_nodes_fx_const_fold_folded():
    from torch import fx
    from torch.fx.experimental.const_fold import split_const_subgraphs
    mod, m = traced("torch_fx_constant_folding", "baseline", 8)
    folded = split_const_subgraphs(fx.symbolic_trace(mod.Net()))
    const_nodes = [n.target.__name__ for n in folded.const_subgraph_module.graph.nodes
                   if n.op == "call_function"]
    static = sorted(m.trace.records[i][4][4] for i in m.staging.static)
    assert sorted(const_nodes) == ["add", "mul", "tanh"] and static == sorted(const_nodes)


def test_tiled_attention_keeps_the_scores_and_probabilities_out_of_slow_memory():
    n = 128
    result = measured("torch_flash_attention", (n,))
    score_matrix = n * n * 8                        # float64
    spilled = {v: result.evidence[v].traffic_kinds["spill"] for v in ("baseline", "optimized")}
    # standard attention writes S and P out and reads each back once: at least 4 matrices' bytes
    assert spilled["baseline"] >= 4 * score_matrix
    # the tiled version spills no matrix: what it moves of its own is smaller than one 16-row block
    assert spilled["optimized"] < score_matrix // 2
    assert result.attribution.measure == "traffic" and result.equivalence == "equal"
