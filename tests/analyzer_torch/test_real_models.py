"""Real models trace as users write them: inference mode, bfloat16, quantized layers, batched
(3-D and 4-D) values numbered row by row, and kernels costed from their formulas."""
from __future__ import annotations

import warnings

import pytest

torch = pytest.importorskip("torch", reason="the torch front-end needs the optional extra: pip install '.[torch]'")

import numpy as np  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from analyzer.analysis import measure  # noqa: E402
from analyzer.ops import Op  # noqa: E402
from analyzer.passes.content_hash import NearRows, row_hashes  # noqa: E402
from analyzer.passes.redundancy import redundant_ops  # noqa: E402
from analyzer.probe import ProbeError, load  # noqa: E402
from analyzer.trace import Trace  # noqa: E402
from analyzer.tracers import run  # noqa: E402
from analyzer.tracers.torch_cost import cost_of  # noqa: E402

torch.set_num_threads(1)


def trace_of(fn, **inputs):
    t = Trace()
    out = run(fn, inputs, t)
    return t, out


def work(t: Trace) -> list[tuple[str, int]]:
    """(record name, flops) of every op that computes."""
    return [(r[4][4], r[4][0] + r[4][1] + r[4][2]) for r in t.records
            if r[4] is not None and r[4][0] + r[4][1] + r[4][2]]


def fraction_of(t: Trace, name: str, occurrence: int) -> float:
    """The redundant share of the ``occurrence``-th record named ``name``."""
    ids = [i for i, r in enumerate(t.records) if r[4] is not None and r[4][4] == name]
    return redundant_ops(t).fraction.get(ids[occurrence], 0.0)


# --- inference mode, no_grad, bfloat16 -------------------------------------------------

def small_model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.LayerNorm(8), nn.GELU(), nn.Linear(8, 2)).eval()


def test_inference_mode_records_what_no_grad_records():
    model, x = small_model(), torch.randn(3, 4)

    def under(mode):
        def f(model, x):
            with mode():
                return model(x)
        return f
    t_inference, out_inference = trace_of(under(torch.inference_mode), model=model, x=x)
    t_no_grad, out_no_grad = trace_of(under(torch.no_grad), model=model, x=x)
    assert work(t_inference) == work(t_no_grad) != []
    assert np.array_equal(out_inference, out_no_grad)


def test_an_in_place_write_on_an_inference_tensor_makes_a_new_value():
    def f(x):
        with torch.inference_mode():
            y = x * 2
            y.add_(1)       # an inference tensor has no version counter
            return y
    t, out = trace_of(f, x=torch.ones(3))
    mul, add = [r for r in t.records if r[4] is not None and r[0] is not Op.ALLOC]
    i_mul = t.records.index(mul)
    assert add[1][0] == i_mul and t.value(i_mul).tolist() == [2.0, 2.0, 2.0]
    assert out.tolist() == [3.0, 3.0, 3.0]


def test_a_bfloat16_model_traces_and_returns_float32_numbers():
    model = nn.Linear(4, 2).to(torch.bfloat16)
    t, out = trace_of(lambda model, x: model(x), model=model, x=torch.ones(3, 4, dtype=torch.bfloat16))
    assert out.dtype == np.float32 and out.shape == (3, 2)
    assert ("addmm", 3 * 2 * 4 + 3 * 2 * 3 + 3 * 2) in work(t)


def test_a_failure_of_the_tracer_is_the_analyzers_not_the_probe_line(tmp_path, monkeypatch):
    from analyzer.tracers import torch_dispatch

    def broken(self, t):
        raise KeyError("bookkeeping")
    monkeypatch.setattr(torch_dispatch.TorchState, "id_of", broken)
    path = tmp_path / "probe.py"
    path.write_text("import torch\n"
                    "def inputs(size):\n    return {'x': torch.ones(size)}\n"
                    "def baseline(x):\n    return x * 2\n"
                    "def optimized(x):\n    return x * 2\n", encoding="utf-8")
    with pytest.raises(ProbeError) as failure:
        measure(load(path), (2,))
    message = str(failure.value)
    assert "analyzer bug" in message and "aten.mul" in message and "line" not in message


def test_an_error_of_the_op_itself_is_the_probes():
    with pytest.raises(RuntimeError) as failure:      # torch's own message, not the tracer's
        trace_of(lambda a, b: a @ b, a=torch.ones(2, 3), b=torch.ones(2, 3))
    assert not isinstance(failure.value, ProbeError) and "2x3" in str(failure.value)


# --- identities of values ---------------------------------------------------------------

def test_packed_weights_of_each_quantized_layer_are_that_layers_input():
    warnings.filterwarnings("ignore")
    model = torch.ao.quantization.quantize_dynamic(
        nn.Sequential(nn.Linear(4, 4), nn.Linear(4, 4)), {nn.Linear}, dtype=torch.qint8)
    t, _ = trace_of(lambda model, x: model(model(x)), model=model, x=torch.randn(2, 4))
    reads = [t.input_names.get(r[1][1]) for r in t.records if r[4] is not None and r[4][4] == "linear_dynamic"]
    # the wrappers torch hands each call are short-lived: keyed by id() layers got mixed up
    assert reads == ["model.0.weight", "model.1.weight", "model.0.weight", "model.1.weight"]


def test_scalar_arguments_tell_ops_apart():
    t, _ = trace_of(lambda x: (x + 1, x + 2, x * 3, x * 3), x=torch.arange(4.0))
    assert redundant_ops(t).ops == 1            # only the second x * 3


def test_adding_a_constant_zero_is_an_identity_never_recomputation():
    t, _ = trace_of(lambda x: (x + 0, x + 0), x=torch.arange(4.0))
    assert redundant_ops(t).ops == 0


# --- rows of 3-D and 4-D values -----------------------------------------------------------

def test_rows_of_a_3d_layer_norm_and_gelu_are_numbered_row_by_row():
    x = torch.randn(1, 4, 8)

    def f(x):   # the second call sees the first 3 token rows again, and 1 new one
        return [F.gelu(F.layer_norm(x[:, :t], (8,))) for t in (3, 4)]
    t, _ = trace_of(f, x=x)
    assert fraction_of(t, "native_layer_norm", 1) == 3 / 4
    assert fraction_of(t, "gelu", 1) == 3 / 4


def test_a_layer_norm_over_two_axes_is_not_read_row_by_row():
    x = torch.randn(1, 4, 8)
    t, _ = trace_of(lambda x: [F.layer_norm(x[:, :t], (t, 8)) for t in (3, 4)], x=x)
    assert fraction_of(t, "native_layer_norm(2 dims)", 1) == 0


def test_rows_of_a_batched_matmul_are_rows_of_each_batch():
    a, b = torch.randn(2, 4, 3), torch.randn(2, 3, 5)
    t, _ = trace_of(lambda a, b: [torch.bmm(a[:, :n], b) for n in (2, 4)], a=a, b=b)
    assert fraction_of(t, "bmm", 1) == (2 * 2) / (2 * 4)     # rows 0 and 1 of both batches


def test_causal_attention_recomputes_the_rows_of_a_prefix():
    q, k, v = (torch.randn(1, 2, 4, 8) for _ in range(3))

    def f(q, k, v):   # as a decoder without a KV cache: the whole prefix at every step
        return [F.scaled_dot_product_attention(q[:, :, :n], k[:, :, :n], v[:, :, :n], is_causal=True)
                for n in (3, 4)]
    t, _ = trace_of(f, q=q, k=k, v=v)
    assert fraction_of(t, "scaled_dot_product_attention", 1) == 3 / 4   # row 3 sees a new key


def test_grouped_query_attention_recomputes_the_rows_of_a_prefix_too():
    # four query heads share two key/value heads (Llama's num_key_value_heads): query head h
    # reads key/value head h // 2
    q, k, v = torch.randn(1, 4, 4, 8), torch.randn(1, 2, 4, 8), torch.randn(1, 2, 4, 8)

    def f(q, k, v):
        return [F.scaled_dot_product_attention(q[:, :, :n], k[:, :, :n], v[:, :, :n], is_causal=True,
                                               enable_gqa=True) for n in (3, 4)]
    t, _ = trace_of(f, q=q, k=k, v=v)
    assert fraction_of(t, "scaled_dot_product_attention", 1) == 3 / 4


def test_a_reduction_over_the_last_axis_that_keeps_it_is_read_row_by_row():
    x = torch.randn(2, 4, 8)

    def f(x):   # an RMS norm's mean square over a growing prefix of positions
        return [x[:, :n].pow(2).mean(-1, keepdim=True) for n in (3, 4)]
    t, _ = trace_of(f, x=x)
    assert fraction_of(t, "mean", 1) == 3 / 4       # position 3 is new in each of the 2 batches


def test_attention_without_a_mask_sees_every_key_so_a_new_key_changes_every_row():
    q, k, v = (torch.randn(1, 2, 4, 8) for _ in range(3))
    t, _ = trace_of(lambda q, k, v: [F.scaled_dot_product_attention(q[:, :, :n], k[:, :, :n], v[:, :, :n])
                                     for n in (3, 4)], q=q, k=k, v=v)
    assert fraction_of(t, "scaled_dot_product_attention", 1) == 0


def test_float32_rows_equal_up_to_noise_share_one_key_and_others_do_not():
    near = NearRows()
    x = np.float32(np.random.default_rng(0).standard_normal((3, 64)))
    noisy = x * np.float32(1 + 2e-7)
    other = x + np.float32(1e-2)
    first = near.canonical(x, row_hashes(x))
    assert not np.array_equal(row_hashes(noisy), first)        # the last bits differ...
    assert np.array_equal(near.canonical(noisy, row_hashes(noisy)), first)   # ...the rows are equal
    assert not np.isin(near.canonical(other, row_hashes(other)), first).any()


def test_one_element_rows_are_told_apart_by_their_size_not_only_their_direction():
    # a network's last feature maps can be 1 x 1: rows of one element, whose projections relative
    # to their norm say only their sign; their norm still separates them
    near = NearRows()
    x = np.float32(np.random.default_rng(1).permutation(0.5 + 1e-3 * np.arange(4000))[:, None])
    keys = near.canonical(x, row_hashes(x))
    assert len(set(keys.ravel().tolist())) == 4000      # values 1e-3 apart, far beyond the tolerance: all distinct
    noisy = x * np.float32(1 + 2e-7)
    assert np.array_equal(near.canonical(noisy, row_hashes(noisy)), keys)
    assert max(len(cell) for cell in near.cells.values()) < 50       # no cell holds every positive row


# --- costs from formulas -----------------------------------------------------------------

def test_activations_and_pooling_cost_their_formula():
    x = torch.randn(2, 6)
    assert cost_of("silu", (x,), x) == (12, 12, 36)                 # x * 1 / (1 + exp(-x))
    assert cost_of("rsqrt", (x,), x) == (0, 0, 24)                  # 1 / sqrt(x)
    assert cost_of("gelu", (x,), x, {"approximate": "tanh"}) == (6 * 12, 2 * 12, 12)
    image = torch.randn(1, 1, 4, 4)
    pooled = F.max_pool2d(image, 2)
    assert cost_of("max_pool2d_with_indices", (image, [2]), pooled) == (0, 0, 4 * 3)   # 3 comparisons per 2x2
    # log-softmax per row of 6: max (5), subtract (6), exp (6), sum (5), log (1), subtract (6)
    assert cost_of("_log_softmax", (x, -1, False), x) == (0, 2 * (6 + 5 + 6), 2 * (5 + 6 + 1))


# --- a transformers model (skipped without transformers) ----------------------------------

@pytest.mark.parametrize("example", ["gpt2_use_cache", "llama_use_cache"])
def test_a_transformers_models_use_cache_is_caching(example):
    pytest.importorskip("transformers", reason="the transformers example needs transformers")
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "docs" / "examples" / f"{example}.py"
    result = measure(load(path), (8,))
    shares = result.attribution.shares
    assert result.verdict == "caching", result.explanation
    # without the cache every earlier row is recomputed (caching); of those, the last layer's
    # rows past its keys and values, and the earlier logits, are read by no step (dead, claimed first)
    assert shares["caching"] > 0.5 and shares["dead-code-elimination"] > 0.05
    assert shares["unexplained"] < 0.01


def test_a_transformers_lm_head_kept_for_the_last_position_only_is_dead_code_elimination():
    pytest.importorskip("transformers", reason="the transformers example needs transformers")
    from pathlib import Path
    example = load(Path(__file__).resolve().parents[2] / "docs" / "examples" / "gpt2_logits_to_keep.py")
    n = example.sizes[0]
    result = measure(example, (n,))
    assert result.verdict == "dead-code-elimination", result.explanation
    # by hand: the head's n - 1 unread rows, each VOCAB dot products of width WIDTH (the last
    # layer's rows of earlier positions past its keys and values are dead in both versions)
    width, vocab = example.module.WIDTH, example.module.VOCAB
    head_rows = (n - 1) * vocab * (width + width - 1)
    assert result.attribution.explained["dead-code-elimination"] == head_rows
    assert result.evidence["baseline"].dead_flops - result.evidence["optimized"].dead_flops == head_rows
