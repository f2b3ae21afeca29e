"""The scalar tracer records every operation, in order, with ordered inputs."""
from __future__ import annotations

from analyzer.ops import Op
from analyzer.trace import Trace
from analyzer.tracers import run


def ops_of(t: Trace) -> list[str]:
    return [t.node(i).op.value for i in range(len(t))]


def test_x_times_x_keeps_both_edges():
    t = Trace()
    run(lambda x: x * x, {"x": 3.0}, t)
    mul = next(t.node(i) for i in range(len(t)) if t.node(i).op is Op.MUL)
    assert mul.srcs[0] == mul.srcs[1] and len(mul.srcs) == 2


def test_reflected_operators_keep_operand_order():
    t = Trace()
    out = run(lambda x: 10 - x, {"x": 3}, t)
    sub = next(t.node(i) for i in range(len(t)) if t.node(i).op is Op.SUB)
    assert out == 7
    assert t.node(sub.srcs[0]).op is Op.CONST and t.node(sub.srcs[1]).op is Op.INPUT


def test_int_float_and_complex_are_traced():
    t = Trace()
    out = run(lambda a, b, c: (a + b) * c, {"a": 1, "b": 0.5, "c": 2j}, t)
    assert out == 3j
    assert ops_of(t).count("add") == 1 and ops_of(t).count("mul") == 1


def test_comparisons_return_plain_bools_and_are_recorded():
    t = Trace()
    out = run(lambda x: 1 if x < 2 else 0, {"x": 1.0}, t)
    assert out == 1
    assert "lt" in ops_of(t)


def test_traced_values_work_as_dict_keys():
    def f(n):
        memo = {n: 1}
        return memo[n - 1 + 1]      # a different object with the same value finds the key
    t = Trace()
    assert run(f, {"n": 5}, t) == 1
    assert "key" in ops_of(t)


def test_index_and_bool_concretize_as_guards():
    t = Trace()
    out = run(lambda xs, i: xs[i] if i else 0, {"xs": [1.0, 2.0], "i": 1}, t)
    assert out == 2.0
    assert {"index", "branch"} <= set(ops_of(t))


def test_calls_of_probe_functions_are_counted(write_probe):
    from analyzer.probe import load
    path = write_probe("calls", """
        def helper(x):
            return x + 1
        def baseline(x):
            return helper(helper(x))
        optimized = baseline
        def inputs(size):
            return {"x": 1.0}
    """)
    p = load(path)
    t = Trace()
    run(p.module.baseline, {"x": 1.0}, t, p.module)
    assert t.cost().calls == 3          # baseline itself and helper twice
