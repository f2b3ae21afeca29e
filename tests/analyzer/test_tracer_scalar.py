"""The scalar tracer records every operation, in order, with ordered inputs."""
from __future__ import annotations

from analyzer.ops import Op
from analyzer.trace import Trace
from analyzer.tracers import run
from analyzer.tracers.scalar import Scalar, scalar


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


def test_a_comparison_is_a_traced_bool_and_branching_on_it_is_a_guard():
    t = Trace()
    out = run(lambda x: 1 if x < 2 else 0, {"x": 1.0}, t)
    assert out == 1
    lt = ops_of(t).index("lt")
    assert t.node(lt).value is True
    branch = ops_of(t).index("branch")
    assert t.node(branch).srcs == (lt,)           # the branch reads the test


def test_a_comparison_nothing_reads_records_no_guard_and_sums_of_tests_are_additions():
    t = Trace()
    out = run(lambda xs: (xs[0] > 0, sum(x > 0 for x in xs)), {"xs": [1.0, -1.0, 2.0]}, t)
    assert out == (True, 2)
    assert "branch" not in ops_of(t)
    assert ops_of(t).count("gt") == 4 and ops_of(t).count("add") == 3   # 0 + t0 + t1 + t2


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


# --- a probe's own code is instrumented (analyzer.tracers.instrument) -----------------------

def traced_probe(write_probe, source: str, inputs: dict, version: str = "baseline"):
    """(output, trace, module) of one version of a probe defining ``version`` (the rest filled in)."""
    import textwrap
    from analyzer.probe import load
    source = textwrap.dedent(source) + "\ndef inputs(size):\n    return {}\n"
    if "def optimized" not in source:
        source += "optimized = baseline\n"
    p = load(write_probe("instrumented", source))
    t = Trace()
    return run(getattr(p.module, version), inputs, t, p.module), t, p.module


def test_arithmetic_on_plain_numbers_is_recorded_with_constant_operands(write_probe):
    out, t, _ = traced_probe(write_probe, """
        def baseline():
            a = 2
            return a * 3 - 1
    """, {})
    assert out == 5
    mul = next(t.node(i) for i in range(len(t)) if t.node(i).op is Op.MUL)
    assert [t.node(s).op for s in mul.srcs] == [Op.CONST, Op.CONST]
    assert ops_of(t).count("mul") == 1 and ops_of(t).count("sub") == 1


def test_literals_the_compiler_folds_are_not_work(write_probe):
    out, t, _ = traced_probe(write_probe, """
        def baseline():
            return 2 ** 10 + -1
    """, {})
    assert out == 1023 and t.cost().flops == 0


def test_a_chained_comparison_evaluates_each_operand_once_and_stops_early(write_probe):
    out, t, module = traced_probe(write_probe, """
        seen = []
        def mark(v):
            seen.append(v)
            return v
        def baseline(x):
            return (0 < mark(x) < mark(10), 5 < mark(x) < mark(20))
    """, {"x": 3})
    assert out == (True, False)
    assert module.seen == [3, 10, 3]        # the second chain stops after 5 < 3
    assert ops_of(t).count("lt") == 3


def test_augmented_assignment_to_a_computed_place_evaluates_it_once(write_probe):
    out, t, module = traced_probe(write_probe, """
        reads = []
        def row(grid, i):
            reads.append(i)
            return grid[i]
        def baseline(k):
            grid = [[0, 0], [0, 0]]
            row(grid, 1)[k - 1] += 5
            row(grid, 0)[0:2] *= 1
            return grid
    """, {"k": 2})
    assert out == [[0, 0], [0, 5]]
    assert module.reads == [1, 0]
    assert ops_of(t).count("add") == 1 and ops_of(t).count("sub") == 1


def test_attribute_and_subscript_accumulators_are_traced(write_probe):
    out, t, _ = traced_probe(write_probe, """
        class Box:
            def __init__(self):
                self.total = 0
        def baseline():
            b, xs = Box(), [0, 0]
            for i in range(3):
                b.total += i
                xs[1] -= i
            return b.total, xs
    """, {})
    assert out == (3, [0, -3])
    assert ops_of(t).count("add") == 3 and ops_of(t).count("sub") == 3


def test_every_function_body_is_a_call_however_it_is_reached(write_probe):
    out, t, _ = traced_probe(write_probe, """
        import functools
        class K:
            def m(self, x):
                return x
            @staticmethod
            def s(x):
                return x
        def f(x):
            return x
        TABLE = {"f": f}
        def baseline(x):
            def inner(y):
                return y
            g = lambda y: y
            p = functools.partial(f)
            return [K().m(x), K.s(x), inner(x), g(x), TABLE["f"](x), p(x), list(map(f, [x]))[0]]
    """, {"x": 1.0})
    assert out == [1.0] * 7
    names = [t.functions[t.node(i).fn] for i in range(len(t)) if t.node(i).op is Op.CALL]
    assert sorted(names) == sorted(["baseline", "K.m", "K.s", "baseline.<locals>.inner",
                                    "baseline.<locals>.<lambda>:15", "f", "f", "f"])


def test_work_inside_a_function_belongs_to_it_and_the_caller_is_restored(write_probe):
    _, t, _ = traced_probe(write_probe, """
        def helper(x):
            return x * 2
        def baseline(x):
            y = helper(x)
            return y + 1
    """, {"x": 1.0})
    fn_of = {t.node(i).op: t.functions[t.node(i).fn] for i in range(len(t)) if t.node(i).op in (Op.MUL, Op.ADD)}
    assert fn_of == {Op.MUL: "helper", Op.ADD: "baseline"}


def test_a_generator_counts_one_call_and_still_yields(write_probe):
    out, t, _ = traced_probe(write_probe, """
        def squares(n):
            for i in range(n):
                yield i * i
        def baseline():
            return sum(squares(4))
    """, {})
    assert out == 14
    assert t.cost().calls == 2 and ops_of(t).count("mul") == 4


def test_annotations_match_patterns_and_class_bodies_are_left_as_written(write_probe):
    out, _, module = traced_probe(write_probe, """
        from __future__ import annotations
        class C:
            LIMIT = 2 * 3
            ok = 0 < LIMIT < 10
        def baseline(x: int | None = None) -> float | int:
            match 3 - 1:
                case -1:
                    return -1
                case 2:
                    return C.LIMIT + C.ok
    """, {})
    assert out == 7
    assert module.baseline.__annotations__ == {"x": "int | None", "return": "float | int"}


def test_outside_a_run_the_probe_computes_plain_numbers(write_probe):
    from analyzer.probe import load
    p = load(write_probe("plain", """
        def inputs(size):
            return {"n": size * 2 + 1}
        def baseline(n):
            return n * 2
        optimized = baseline
    """))
    assert type(p.module.inputs(3)["n"]) is int
    run(p.module.baseline, {"n": 2}, Trace(), p.module)
    assert type(p.module.baseline(2)) is int          # the helpers are plain again after the run


def test_the_helpers_are_restored_when_the_probe_raises(write_probe):
    from analyzer.probe import load
    p = load(write_probe("raises", """
        def inputs(size):
            return {}
        def baseline():
            return 1 / 0
        optimized = baseline
    """))
    plain_add = p.module.__taxo_add__
    try:
        run(p.module.baseline, {}, Trace(), p.module)
    except ZeroDivisionError:
        pass
    assert p.module.__taxo_add__ is plain_add


def test_scalars_read_as_their_numbers_and_expose_int_methods():
    t = Trace()
    x = run(lambda: None, {}, t)        # an empty run: just a trace to build values in
    from analyzer.tracers.scalar import scalar
    n = scalar(12, t.input("n", 12), t)
    assert x is None and str(n + 1) == "13" and f"{n}" == "12"
    assert n.bit_length() == 4 and ops_of(t).count("escape") == 1


def test_a_scalar_passed_to_torch_enters_as_its_number():
    torch = __import__("pytest").importorskip("torch")
    from analyzer.tracers.scalar import scalar
    t = Trace()
    k = scalar(3, t.input("k", 3), t)
    assert torch.equal(torch.ones(2) * k, torch.full((2,), 3.0))
    assert torch.arange(0, k).tolist() == [0, 1, 2]
    assert ops_of(t).count("escape") == 2


def test_a_traced_number_copies_and_pickles_with_its_value_id_and_trace():
    import copy
    import pickle
    t = Trace()
    x = scalar(2.0, t.input("x", 2.0), t)
    shallow, deep = copy.copy(x), copy.deepcopy(x)
    assert (type(shallow), shallow.v, shallow.i, shallow.t) == (Scalar, 2.0, 0, t)
    assert (type(deep), deep.v, deep.i, len(deep.t)) == (Scalar, 2.0, 0, 1) and deep.t is not t
    again = pickle.loads(pickle.dumps(x * 3.0))
    assert (again.v, again.i, [again.t.sources(i) for i in range(len(again.t))]) == (6.0, 2, [(), (), (0, 1)])
    assert len(t) == 3                  # copying recorded nothing
