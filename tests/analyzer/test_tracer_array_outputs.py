"""numpy calls with several outputs: one op carries the cost, and every output is traced."""
from __future__ import annotations

import numpy as np
import pytest

from analyzer.ops import Op
from analyzer.passes.redundancy import redundant_ops
from analyzer.trace import Trace
from analyzer.tracers import run
from analyzer.tracers.array import TracedArray

RNG = np.random.default_rng(0)
A = RNG.standard_normal((6, 4))
S = A.T @ A


def the_op(t: Trace, name: str):
    (i,) = [i for i in range(len(t)) if t.node(i).extra is not None and t.node(i).extra.name == name]
    return t.node(i)


def parts_of(t: Trace, i: int) -> list[int]:
    return [j for j in range(len(t)) if t.node(j).op is Op.GETITEM and t.node(j).srcs == (i,)]


@pytest.mark.parametrize("name, f, x, outputs", [
    ("svd", lambda a: np.linalg.svd(a), A, 3),
    ("eigh", lambda a: np.linalg.eigh(a), S, 2),
    ("qr", lambda a: np.linalg.qr(a), A, 2),
    ("divmod", lambda a: np.divmod(a, 0.7), A, 2),
    ("modf", lambda a: np.modf(a), A, 2),
    ("frexp", lambda a: np.frexp(a), A, 2),
])
def test_each_output_is_a_traced_value(name, f, x, outputs):
    t = Trace()
    seen = []
    out = run(lambda a: seen.append(f(a)) or seen[0], {"a": x}, t)
    expected = f(x)
    assert len(out) == outputs and all(np.allclose(o, e) for o, e in zip(out, expected))
    assert all(type(o) is TracedArray for o in seen[0])
    i = next(i for i in range(len(t)) if t.node(i).extra is not None and t.node(i).extra.name == name)
    assert len(parts_of(t, i)) == outputs
    assert sorted(t.outputs) == parts_of(t, i)
    assert t.node(i).extra.bytes == sum(e.nbytes for e in expected)    # every output is new


def test_named_results_keep_their_fields():
    t = Trace()
    out = run(lambda a: np.linalg.svd(a, full_matrices=False).S, {"a": A}, t)
    assert np.allclose(out, np.linalg.svd(A, compute_uv=False))


def test_elementwise_outputs_cost_one_flop_per_output_element():
    t = Trace()
    run(lambda a: np.divmod(a, 0.7), {"a": A}, t)
    assert the_op(t, "divmod").extra.other == 2 * A.size


@pytest.mark.parametrize("f, name, m, n, expected", [
    # Golub & Van Loan, Fig. 8.6.1 (M >= k): full U 4M^2k + 8Mk^2 + 9k^3
    (lambda a: np.linalg.svd(a), "svd", 6, 4, 4 * 36 * 4 + 8 * 6 * 16 + 9 * 64),
    # thin U 14Mk^2 + 8k^3; a wide matrix costs what its transpose does
    (lambda a: np.linalg.svd(a.T, full_matrices=False), "svd", 6, 4, 14 * 6 * 16 + 8 * 64),
    # values only 4Mk^2 - 4k^3/3
    (lambda a: np.linalg.svd(a, compute_uv=False), "svd", 6, 4, 4 * 6 * 16 - 4 * 64 // 3 - 1),
    # LAWN 41: geqrf 2mn^2 - 2n^3/3, then orgqr for the thin Q the same again
    (lambda a: np.linalg.qr(a), "qr", 6, 4, 2 * (2 * 6 * 16 - 2 * 64 // 3 - 1)),
    (lambda a: np.linalg.qr(a, mode="r"), "qr", 6, 4, 2 * 6 * 16 - 2 * 64 // 3 - 1),
])
def test_factorization_flops_follow_the_textbook_estimates(f, name, m, n, expected):
    t = Trace()
    run(f, {"a": A}, t)
    e = the_op(t, name).extra
    assert the_op(t, name).op.value == "linalg"
    assert abs((e.mults + e.adds) - expected) <= 1 and abs(e.mults - e.adds) <= 1


def test_eigh_costs_about_9n_cubed():
    t = Trace()
    run(lambda s: np.linalg.eigh(s), {"s": S}, t)
    e = the_op(t, "eigh").extra
    assert e.mults + e.adds == 9 * 4 ** 3


def test_a_repeated_factorization_is_redundant():
    t = Trace()
    run(lambda a: (np.linalg.svd(a).S, np.linalg.svd(a).U), {"a": A}, t)
    r = redundant_ops(t)
    assert [t.node(i).op.value for i in r.fraction] == ["linalg"]
    assert r.work(t) == 4 * 36 * 4 + 8 * 6 * 16 + 9 * 64


def test_several_outputs_written_into_out():
    t = Trace()

    def f(a, q, r):
        res = np.divmod(a, 0.7, out=(q, r))
        return res[0] is q and res[1] is r, q
    same, q = run(f, {"a": A, "q": np.zeros_like(A), "r": np.zeros_like(A)}, t)
    assert same and np.allclose(q, np.divmod(A, 0.7)[0])
    assert the_op(t, "divmod").extra.bytes == 0


def test_scalar_operands_give_scalar_outputs():
    t = Trace()
    assert run(lambda x: np.divmod(x, 2.0), {"x": 7.0}, t) == (3.0, 1.0)
    assert len(t.outputs) == 2
