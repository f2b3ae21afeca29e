"""The torch tracer records one op per aten op, with flops, bytes, module and identity."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the torch front-end needs the optional extra: pip install '.[torch]'")

import numpy as np  # noqa: E402
from torch import nn  # noqa: E402

from analyzer.ops import Op  # noqa: E402
from analyzer.trace import Trace  # noqa: E402
from analyzer.tracers import run  # noqa: E402
from analyzer.tracers.torch_cost import cost_of  # noqa: E402

torch.set_num_threads(1)
REPO = Path(__file__).resolve().parents[2]


def trace_of(fn, **inputs):
    t = Trace()
    out = run(fn, inputs, t)
    return t, out


def arithmetic(t: Trace) -> list[tuple]:
    """Records of ops that compute or move data (factory ops such as ``empty`` left out)."""
    return [r for r in t.records if r[4] is not None and r[0] is not Op.ALLOC]


def test_one_record_per_aten_op_with_matmul_flops_from_shapes():
    t, out = trace_of(lambda a, b: a @ b, a=torch.ones(2, 3), b=torch.ones(3, 4))
    (rec,) = arithmetic(t)
    assert rec[0] is Op.MATMUL and rec[4][:5] == (24, 16, 0, 32, "mm")
    assert isinstance(out, np.ndarray) and out.shape == (2, 4)     # outputs come back as numpy


def test_elementwise_normalization_and_softmax_ops_cost_flops():
    # FlopCounterMode counts all of these as zero
    x = torch.randn(4, 8)
    assert cost_of("add", (x, x), x) == (0, 32, 0)
    assert cost_of("mul", (x, x), x) == (32, 0, 0)
    # gelu: 0.5 * x * (1 + erf(x / sqrt 2)) is 3 mults, 1 add and 1 erf per element
    assert cost_of("gelu", (x,), x) == (3 * 32, 32, 32)
    # softmax, per row of 8: max (7), subtract (8), exp (8), sum (7), divide (8)
    assert cost_of("_softmax", (x, -1, False), x) == (0, 4 * (8 + 7), 4 * (7 + 8 + 8))
    # layer norm, per row of 8: mean (7 adds, /), centre (8), square (8 mults), variance (7 adds, /),
    # + eps (1 add), rsqrt (sqrt, /), scale (8 mults), weight (8 mults), bias (8 adds)
    mults, adds, other = cost_of("native_layer_norm", (x, [8], torch.ones(8), torch.zeros(8), 1e-5), x)
    assert (mults, adds, other) == (4 * 24, 4 * (7 + 8 + 7 + 1 + 8), 4 * 4)


def test_linear_records_its_bias_last_so_rows_of_the_input_are_numbered():
    lin = nn.Linear(3, 5)
    t, _ = trace_of(lambda lin, x: lin(x), lin=lin, x=torch.randn(2, 3))
    (addmm,) = [r for r in t.records if r[4] is not None and r[4][4] == "addmm"]
    assert t.input_names[addmm[1][0]] == "x" and t.input_names[addmm[1][2]] == "lin.bias"
    assert addmm[4][:3] == (30, 20 + 10, 0)


def test_ops_are_attributed_to_the_module_they_ran_in():
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
    t, _ = trace_of(lambda model, x: model(x), model=model, x=torch.randn(2, 4))
    where = {r[4][4]: t.functions[r[3]] for r in arithmetic(t)}
    assert where["addmm"] == "model.0" and where["relu"] == "model.1"
    assert t.cost().calls == 3      # the Sequential and its two layers


def test_views_cost_nothing_and_materialize_nothing():
    t, _ = trace_of(lambda x: x.t().unsqueeze(0)[:, 1:], x=torch.randn(3, 4))
    assert all(r[4][:4] == (0, 0, 0, 0) for r in arithmetic(t))


def test_an_in_place_write_makes_a_new_value_and_keeps_the_old_one():
    def f(x):
        y = x * 2
        y.add_(1)
        return y
    t, out = trace_of(f, x=torch.ones(3))
    mul, add = arithmetic(t)
    i_mul = t.records.index(mul)
    assert add[1][0] == i_mul                           # add_ reads the value mul produced
    assert t.value(i_mul).tolist() == [2.0, 2.0, 2.0]   # snapshotted before the write
    assert out.tolist() == [3.0, 3.0, 3.0] and t.outputs == (t.records.index(add),)


def test_tensors_are_identified_by_storage_and_version_not_by_python_object():
    def f(x):
        a = x + 1
        return a.detach() * a   # detach: a new Python object, the same value
    t, _ = trace_of(f, x=torch.ones(2))
    add, mul = arithmetic(t)
    i = t.records.index(add)
    assert mul[1] == (i, i)


def test_eval_batch_norm_is_split_into_static_scale_and_per_element_work():
    bn = nn.BatchNorm1d(4).eval()
    t, _ = trace_of(lambda bn, x: bn(x), bn=bn, x=torch.randn(8, 4))
    names = [r[4][4] for r in arithmetic(t)]
    assert names == ["batch_norm_scale", "batch_norm"]
    assert arithmetic(t)[1][4][:2] == (32, 32)


def test_a_model_in_eval_mode_has_static_weights_and_one_in_training_mode_does_not():
    from analyzer.passes.staging import static_ops
    lin = nn.Linear(4, 3)

    def twice_the_weights_then_apply(lin, x):
        return x @ (lin.weight * 2.0).T        # the product on the weights alone: work ahead of time

    for mode, expected in (("eval", 1), ("train", 0)):
        getattr(lin, mode)()
        t, _ = trace_of(twice_the_weights_then_apply, lin=lin, x=torch.randn(2, 4))
        static = [t.records[i][4][4] for i in static_ops(t).static]
        assert static.count("mul") == expected, mode
        assert "mm" not in static                   # x is not known ahead of time


def test_an_op_writing_its_arguments_still_materializes_its_output():
    bn = nn.BatchNorm1d(4).train()     # training mode: updates the running statistics in place
    t, _ = trace_of(lambda bn, x: (bn(x), bn.running_mean * 1), bn=bn, x=torch.randn(8, 4))
    (norm,) = [r for r in arithmetic(t) if r[4][4] == "native_batch_norm"]
    i = t.records.index(norm)
    assert norm[4][3] == 8 * 4 * 4                      # its output is a new tensor
    (mul,) = [r for r in arithmetic(t) if r[4][4] == "mul"]
    assert mul[1][0] == i                               # the updated running mean comes from it


def test_a_tensor_made_outside_the_run_is_a_constant():
    w = torch.randn(3)
    t, _ = trace_of(lambda x: x * w, x=torch.randn(3))
    (mul,) = arithmetic(t)
    assert t.records[mul[1][1]][0] is Op.CONST


def test_backward_ops_are_traced_too():
    def f(x):
        return torch.autograd.grad((x * x).sum(), x)[0]
    t, out = trace_of(f, x=torch.tensor([1.0, 2.0], requires_grad=True))
    assert out.tolist() == [2.0, 4.0]
    assert len(arithmetic(t)) > 3


def test_the_core_analyzer_never_imports_torch():
    code = ("import sys; from analyzer.analysis import measure; from analyzer.tracers import run;"
            "from analyzer.trace import Trace; run(lambda x: x * 2, {'x': 3.0}, Trace());"
            "assert 'torch' not in sys.modules, 'torch imported'")
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


def test_secondary_outputs_are_distinct_values_not_recomputation():
    # layer norm's mean and rstd come out of one op; reading both is not computing one twice
    from analyzer.analysis import passes

    def f(x):
        out, mean, rstd = torch.ops.aten.native_layer_norm(x, [4], None, None, 1e-5)
        return out, mean * rstd

    t, _ = trace_of(f, x=torch.arange(8.0).reshape(2, 4))
    names = [t.node(i).extra[4] for i in range(len(t)) if t.node(i).op is Op.GETITEM]
    assert len(set(names)) == len(names) == 2
    assert passes(t).redundancy.ops == 0


UNWRITTEN = """
import torch
def inputs(size):
    return {"x": torch.arange(size * 3, dtype=torch.float64).reshape(size, 3)}
def baseline(x):
    cache = torch.empty(x.shape[0], 3, dtype=torch.float64)
    cache[0] = x[0] * 2
    counts = torch.empty(4, dtype=torch.int64)
    return cache[:1].sum() + counts[:0].sum()
optimized = baseline
"""


def test_memory_torch_empty_leaves_unwritten_holds_nan_and_the_fill_is_no_op(tmp_path):
    from analyzer.analysis import trace_version
    from analyzer.probe import load

    (tmp_path / "unwritten.py").write_text(UNWRITTEN, encoding="utf-8")
    _, t, _ = trace_version(load(tmp_path / "unwritten.py"), "baseline", 4)
    allocs = [i for i in range(len(t)) if t.node(i).op is Op.ALLOC]
    assert len(allocs) == 2
    cache, counts = (t.value(i) for i in allocs)
    assert torch.isnan(torch.as_tensor(cache)).all() and (torch.as_tensor(counts) == 0).all()
    assert not any("fill" in (t.node(i).extra.name if t.node(i).extra else "") for i in range(len(t)))
