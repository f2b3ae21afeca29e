"""math.* and cmath.* on traced scalars are recorded as ops, without changing the probe."""
from __future__ import annotations

import cmath
import math
import textwrap

import pytest

from analyzer.ops import Op
from analyzer.passes.redundancy import redundant_ops
from analyzer.probe import load
from analyzer.trace import Trace
from analyzer.tracers import run


def ops_of(t: Trace) -> list[str]:
    return [t.node(i).op.value for i in range(len(t))]


def traced_probe(write_probe, source: str, inputs: dict, version: str = "baseline"):
    """Trace ``version`` of a probe whose source defines baseline (the rest is filled in)."""
    source = textwrap.dedent(source) + "\noptimized = baseline\ndef inputs(size):\n    return {}\n"
    p = load(write_probe("mathy", source))
    t = Trace()
    out = run(getattr(p.module, version), inputs, t, p.module)
    return out, t, p.module


@pytest.mark.parametrize("call, op", [
    ("math.exp(x)", "exp"), ("math.log(x)", "log"), ("math.log2(x)", "log2"),
    ("math.log10(x)", "log10"), ("math.sqrt(x)", "sqrt"), ("math.sin(x)", "sin"),
    ("math.cos(x)", "cos"), ("math.tan(x)", "tan"), ("math.tanh(x)", "tanh"),
    ("math.atan2(x, 2.0)", "atan2"), ("math.pow(x, 3)", "pow"), ("math.fabs(x)", "abs"),
    ("math.floor(x)", "floor"), ("math.ceil(x)", "ceil"),
])
def test_math_functions_in_a_probe_are_ops(write_probe, call, op):
    out, t, _ = traced_probe(write_probe, f"""
        import math
        def baseline(x):
            return {call}
    """, {"x": 0.7})
    assert out == eval(call, {"math": math, "x": 0.7})
    assert op in ops_of(t) and "escape" not in ops_of(t)
    rec = t.node(t.outputs[0])
    assert rec.op.value == op and t.node(rec.srcs[0]).op is Op.INPUT
    assert t.cost().other == 1 and t.cost().mults == t.cost().adds == 0


def test_names_imported_from_math_are_traced_too(write_probe):
    out, t, module = traced_probe(write_probe, """
        from math import exp, sqrt as root
        def baseline(x):
            return exp(x) + root(x)
    """, {"x": 4.0})
    assert out == math.exp(4.0) + 2.0
    assert {"exp", "sqrt"} <= set(ops_of(t)) and "escape" not in ops_of(t)
    assert module.exp is math.exp and module.root is math.sqrt     # restored after the run


def test_the_real_math_module_is_restored_also_when_the_probe_raises(write_probe):
    p = load(write_probe("raises", """
        import math
        def baseline(x):
            math.exp(x)
            raise RuntimeError("boom")
        optimized = baseline
        def inputs(size):
            return {"x": 1.0}
    """))
    with pytest.raises(RuntimeError):
        run(p.module.baseline, {"x": 1.0}, Trace(), p.module)
    assert p.module.math is math


def test_math_on_the_probes_own_literals_is_counted_and_computes_the_real_value(write_probe):
    # issue 11: work on values the probe creates itself is work too (recorded on constants: static)
    out, t, _ = traced_probe(write_probe, """
        import math
        def baseline(x):
            return x * math.sqrt(2) + math.pi
    """, {"x": 1.0})
    assert out == math.sqrt(2) + math.pi
    assert ops_of(t).count("sqrt") == 1 and ops_of(t).count("mul") == 1


def test_log_with_a_base_is_log_over_log(write_probe):
    out, t, _ = traced_probe(write_probe, """
        import math
        def baseline(x, b):
            return math.log(x, b)
    """, {"x": 8.0, "b": 2.0})
    assert out == math.log(8.0, 2.0)
    assert ops_of(t).count("log") == 2 and ops_of(t).count("div") == 1


def test_cmath_on_complex_scalars(write_probe):
    out, t, _ = traced_probe(write_probe, """
        import cmath
        def baseline(z):
            return cmath.exp(z) * cmath.sqrt(z)
    """, {"z": 1 + 2j})
    assert out == cmath.exp(1 + 2j) * cmath.sqrt(1 + 2j)
    assert {"exp", "sqrt"} <= set(ops_of(t)) and "escape" not in ops_of(t)


def test_run_without_a_module_traces_math_in_the_functions_globals():
    t = Trace()
    assert run(lambda x: math.exp(x), {"x": 0.0}, t) == 1.0
    assert "exp" in ops_of(t)
    assert math.exp.__module__ == "math"                        # and left the real one


def test_floor_is_traced_even_through_a_captured_function():
    floor = math.floor      # a local alias of the real function: Scalar.__floor__ does it
    t = Trace()
    assert run(lambda x: floor(x * 2.5), {"x": 1.0}, t) == 2
    assert "floor" in ops_of(t)


def test_a_recomputed_math_call_is_redundant(write_probe):
    _, t, _ = traced_probe(write_probe, """
        import math
        def baseline(xs):
            return [math.exp(x) * math.exp(x) for x in xs]
    """, {"xs": [0.5, 1.5]})
    r = redundant_ops(t)
    assert r.ops == 2 and all(t.node(i).op is Op.EXP for i in r.fraction)


def test_caching_a_math_call_is_measured_as_caching(measure_source):
    result = measure_source("""
        import math
        def inputs(size):
            return {"xs": [0.1 * k for k in range(size)], "w": 0.3}
        def baseline(xs, w):
            return [x * math.exp(w) for x in xs]
        def optimized(xs, w):
            e = math.exp(w)
            return [x * e for x in xs]
    """, sizes=(8,))
    assert result.baseline.other == 8 and result.optimized.other == 1
    assert result.verdict == "caching"
