"""Each pass, on tiny traces: precondition, result, and what it must not report."""
from __future__ import annotations

import numpy as np

from analyzer.ops import Op
from analyzer.passes.equivalence import compare
from analyzer.trace import Trace
from analyzer.tracers import run
from analyzer.analysis import passes


def measured(fn, static=frozenset(), **inputs):
    t = Trace()
    run(fn, inputs, t, static=static)
    return passes(t)


# redundancy -------------------------------------------------------------------------------

def test_a_repeated_expression_is_redundant_once():
    m = measured(lambda a, b: a * b + a * b, a=2.0, b=3.0)
    assert m.redundancy.ops == 1


def test_redundancy_is_by_value_not_by_path():
    # (a + 1) - 1 reaches the value a again; multiplying it by b repeats a * b
    m = measured(lambda a, b: a * b + ((a + 1.0) - 1.0) * b, a=2.0, b=3.0)
    assert m.redundancy.ops == 1


def test_commutative_operands_match_in_either_order():
    assert measured(lambda a, b: a * b + b * a, a=2.0, b=3.0).redundancy.ops == 1
    assert measured(lambda a, b: (a - b) + (b - a), a=2.0, b=3.0).redundancy.ops == 0


def test_values_equal_up_to_rounding_noise_are_one_value():
    # 0.1 + 0.2 and 0.3 differ in the last bit; halving both is one computation
    m = measured(lambda a, b, c: (a + b) * 0.5 + c * 0.5, a=0.1, b=0.2, c=0.3)
    assert m.redundancy.ops == 1


def test_scalars_are_one_value_within_1e_9_and_arrays_within_float32_rounding():
    # a scalar 1e-8 away is another value; an array whose elements are each 1e-8 away rounds to the
    # same float32 contents and is the same value, as its rows would be, and as it must be once
    # the trace keeps only a summary of it: exp of both is one computation
    x = 1.25                                        # (float32 values: 1e-8 away rounds back to them)
    assert measured(lambda a, b: np.exp(a) + np.exp(b), a=x, b=x * (1 + 1e-8)).redundancy.ops == 0
    u = 1.0 + np.arange(64.0).reshape(4, 16) / 1024
    assert measured(lambda a, b: np.exp(a) + np.exp(b), a=u, b=u * (1 + 1e-8)).redundancy.ops == 1


def test_identity_operations_are_never_redundant():
    m = measured(lambda a: (a * 1.0 + 0.0) + (a * 1.0 + 0.0), a=2.0)
    assert m.redundancy.ops == 0


def test_bitwise_identities_are_never_redundant():
    m = measured(lambda a: ((a | 0) ^ 0) + ((a | 0) ^ 0) + (a << 0) + (a << 0), a=6)
    assert m.redundancy.ops == 0


def test_a_computed_zero_is_an_ordinary_operand():
    # fib(1) + fib(0) repeated in a recursion is recomputation, though fib(0) == 0
    m = measured(lambda a, b: (a + (b - b)) * (a + (b - b)), a=2.0, b=3.0)
    assert m.redundancy.ops == 2       # the second b - b and the second a + 0


def test_rows_recomputed_inside_a_larger_matmul_are_redundant():
    x = np.random.default_rng(0).standard_normal((4, 3))
    w = np.random.default_rng(1).standard_normal((3, 5))
    m = measured(lambda x, w: (x[:2] @ w, x[:3] @ w), x=x, w=w)
    (_, second) = [i for i in range(len(m.trace)) if m.trace.node(i).op is Op.MATMUL]
    assert m.redundancy.fraction[second] == 2 / 3     # rows 0 and 1 again, row 2 new


# liveness ---------------------------------------------------------------------------------

def test_work_whose_only_consumer_is_dead_is_dead():
    def f(x):
        y = x * 2.0
        z = y + 1.0     # noqa: F841 — dead, and so is y, its only input
        return x + 3.0
    m = measured(f, x=1.0)
    dead = {m.trace.node(i).op for i in m.liveness.dead}
    assert dead == {Op.MUL, Op.ADD} and len(m.liveness.dead) == 2


def test_values_that_decide_control_flow_are_live():
    def f(x):
        flag = x * 2.0          # only used in a comparison
        return 1.0 if flag > 3.0 else 0.0
    assert measured(f, x=1.0).liveness.dead == frozenset()


def test_peak_bytes_counts_values_alive_at_once():
    def f(x):
        a, b = x * 2.0, x * 3.0     # both alive until the sum
        return a + b
    m = measured(f, x=np.ones(100))
    assert m.cost.peak_bytes == 3 * 800


def test_a_buffer_reserved_then_written_late_is_alive_from_its_allocation():
    def f(x):
        cache = np.zeros_like(x, shape=(10, 100))   # 8,000 bytes reserved
        cache[0] = x * 2.0                          # one row written (the 800-byte product dies)
        y, z = x * 3.0, x * 4.0
        w = y + z                                   # y, z and w alive at once: 2,400 bytes
        return cache[:1].sum() + w.sum()            # the cache is read last
    m = measured(f, x=np.ones(100))
    assert m.cost.peak_bytes == 8000 + 3 * 800


def test_a_view_keeps_its_whole_buffer_alive():
    def f(x):
        big = x * 2.0               # 800 bytes
        head = big[:10]             # a view: big stays alive while head is
        other = x * 3.0             # 800 bytes, alive with big
        return head + other[:10]    # 80 bytes
    m = measured(f, x=np.ones(100))
    assert m.cost.peak_bytes == 800 + 800 + 80


# staging ----------------------------------------------------------------------------------

def test_ops_on_static_inputs_only_are_static():
    m = measured(lambda x, w: x * (w * 2.0 + 1.0), static=frozenset({"w"}), x=3.0, w=0.5)
    assert {m.trace.node(i).op for i in m.staging.static} == {Op.MUL, Op.ADD}
    assert len(m.staging.static) == 2       # the final x * (...) is not static


# boundaries -------------------------------------------------------------------------------

def test_launches_and_intermediates_are_counted():
    m = measured(lambda x: np.maximum(x * 2.0 + 1.0, 0.0), x=np.ones(8))
    assert (m.boundaries.launches, m.boundaries.intermediates) == (3, 2)


# equivalence ------------------------------------------------------------------------------

def test_reassociation_noise_is_equal_and_a_different_function_is_changed():
    assert compare([0.1 + 0.2, 1.0], [0.3, 1.0]).equal
    assert not compare([1.0, 2.0], [1.0, 2.01]).equal
    assert not compare([1.0], [1.0, 2.0]).equal


def test_equivalence_compares_arrays_normwise():
    b = np.array([1.0, 1e-17])
    assert compare(b, np.array([1.0, -1e-17])).equal     # elementwise this would be 200%
    assert compare(b, b * 1.5).max_rel_error == 0.5


def test_arrays_equal_up_to_last_bits_are_one_value():
    # a BLAS kernel chosen by shape changes the last bits; the recomputation is still found
    a = np.linspace(0.1, 1.0, 64)
    noisy = a * (1 + 2.0 ** -51)
    assert not np.array_equal(a, noisy)
    m = measured(lambda a, b: (np.exp(a), np.exp(b)), a=a, b=noisy)
    assert m.redundancy.ops == 1


def test_different_values_are_not_merged():
    a = np.linspace(0.1, 1.0, 64)
    m = measured(lambda a, b: (np.exp(a), np.exp(b)), a=a, b=a * (1 + 1e-6))
    assert m.redundancy.ops == 0
