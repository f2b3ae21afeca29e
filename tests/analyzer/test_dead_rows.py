"""Rows of an array op that only views read, and only some of (analyzer/passes/row_demand.py):
the rows no view reads are dead work, counted by hand below; elements, where each element is
computed on its own (an elementwise op, a matrix product)."""
from __future__ import annotations

import numpy as np
import pytest

from analyzer.passes.liveness import dead_ops
from analyzer.trace import Trace
from analyzer.tracers import run

N, D, V = 8, 4, 6       # positions, width, vocabulary


def liveness_of(fn, **inputs):
    trace = Trace()
    run(fn, inputs, trace)
    return trace, dead_ops(trace)


def only_name(trace, ids, name):
    return [i for i in ids if trace.extras[i].name == name]


def rng_inputs():
    rng = np.random.default_rng(0)
    return {"h": rng.normal(size=(N, D)), "w": rng.normal(size=(D, V))}


def test_a_matmul_of_which_only_the_last_row_is_read_has_its_other_rows_dead():
    trace, live = liveness_of(lambda h, w: (h @ w)[-1], **rng_inputs())
    (matmul,) = only_name(trace, live.dead_rows, "matmul")
    assert live.dead_rows[matmul] == pytest.approx((N - 1) / N)
    # by hand: each of the N - 1 unread rows costs V dot products of width D
    assert live.work(trace) == pytest.approx((N - 1) * V * (D + D - 1))


def test_demand_passes_through_a_chain_of_views():
    def head_then_views(h, w):
        logits = (h @ w).reshape(1, N, V)       # a view of the product
        return logits[:, -2:].T                 # the last two positions, transposed: still views
    trace, live = liveness_of(head_then_views, **rng_inputs())
    (matmul,) = only_name(trace, live.dead_rows, "matmul")
    assert live.dead_rows[matmul] == pytest.approx((N - 2) / N)


def test_an_elementwise_op_of_which_a_column_is_read_has_its_other_columns_dead():
    trace, live = liveness_of(lambda h, w: np.exp(h)[:, 0].copy(), **rng_inputs())
    exp = only_name(trace, live.dead_rows, "exp")
    assert len(exp) == 1 and live.dead_rows[exp[0]] == pytest.approx((D - 1) / D)     # each element on its own


def test_a_product_of_which_only_the_diagonal_is_read_has_the_other_elements_dead():
    rng = np.random.default_rng(1)
    trace, live = liveness_of(lambda a, b: np.diagonal(a @ b).copy(),
                              a=rng.normal(size=(N, D)), b=rng.normal(size=(D, N)))
    matmul = only_name(trace, live.dead_rows, "matmul")
    # N of its N^2 elements are read; each element costs D mults and D - 1 adds of its own
    assert live.dead_rows[matmul[0]] == pytest.approx((N * N - N) / (N * N))
    assert live.work(trace) == (N * N - N) * (2 * D - 1)


def test_a_reader_that_computes_on_the_whole_value_reads_every_row():
    def last_row_plus_total(h, w):
        p = h @ w
        return p[-1] + p.sum()
    trace, live = liveness_of(last_row_plus_total, **rng_inputs())
    assert not live.dead_rows


def test_an_op_that_mixes_rows_is_never_split():
    trace, live = liveness_of(lambda h, w: np.cumsum(h @ w, axis=0)[-1], **rng_inputs())
    assert not only_name(trace, live.dead_rows, "cumsum")     # its last row depends on every row
    (matmul,) = only_name(trace, [i for i in trace.extras if trace.extras[i].name == "matmul"], "matmul")
    assert matmul not in live.dead_rows                       # and so on every row of the product


def test_a_copy_reads_what_it_copies():
    trace, live = liveness_of(lambda h, w: np.array((h @ w)[-1]), **rng_inputs())
    (matmul,) = only_name(trace, live.dead_rows, "matmul")    # the copy reads the last row only
    assert live.dead_rows[matmul] == pytest.approx((N - 1) / N)


# demand followed back through the ops that say which elements they need ----------------------

def shares_by_name(trace, live):
    return {trace.extras[i].name: share for i, share in live.dead_rows.items()}


def test_a_branch_of_where_is_needed_only_where_it_is_taken():
    x = np.array([1.0, -2.0, 3.0, -4.0, -5.0, 6.0, 0.0, 8.0])      # 4 of 8 not positive
    trace, live = liveness_of(lambda x: np.where(x > 0, np.sqrt(np.abs(x)), 0.0), x=x)
    assert shares_by_name(trace, live) == {"sqrt": 0.5, "absolute": 0.5}
    assert live.work(trace) == 2 * 4        # sqrt and abs of the 4 elements where() drops


def test_demand_goes_back_through_elementwise_ops_and_the_left_operand_of_a_product():
    trace, live = liveness_of(lambda h, w: ((h * 2.0) @ w)[-1].copy(), **rng_inputs())
    shares = shares_by_name(trace, live)
    assert shares["multiply"] == pytest.approx((N - 1) / N)        # rows of h * 2 the last row does not use
    assert shares["matmul"] == pytest.approx((N - 1) / N)


def test_the_right_operand_of_a_product_is_needed_whole():
    """One query attends to every key: the keys' rows all stay live."""
    def last_query(h, w):
        k = h * 2.0
        return (h[-1] @ k.T).copy()
    trace, live = liveness_of(last_query, **rng_inputs())
    assert "multiply" not in shares_by_name(trace, live)


def test_demand_goes_back_through_a_last_axis_reduction_and_a_broadcast_operand():
    def centred_last_row(h, w):
        g = h * 3.0                              # N x D
        m = g.mean(axis=-1, keepdims=True)       # N x 1: each row's mean of its own row of g
        return (g - np.exp(m))[-1].copy()        # exp(m) broadcast along the row
    trace, live = liveness_of(centred_last_row, **rng_inputs())
    shares = shares_by_name(trace, live)
    assert shares["multiply"] == pytest.approx((N - 1) / N)
    assert shares["exp"] == pytest.approx((N - 1) / N)
    assert shares["subtract"] == pytest.approx((N - 1) / N)


def test_scores_a_causal_mask_replaces_are_dead_and_zeros_like_reads_none_of_them():
    """Every score computed, the upper triangle then masked out: N(N-1)/2 of the N^2 elements of
    q @ k.T are dead. zeros_like(s) takes only its shape."""
    rng = np.random.default_rng(2)
    def masked(q, k):
        s = q @ k.T
        upper = np.triu(np.ones((N, N), dtype=bool), 1)
        return np.where(upper, np.zeros_like(s), s)
    trace, live = liveness_of(masked, q=rng.normal(size=(N, D)), k=rng.normal(size=(N, D)))
    assert shares_by_name(trace, live)["matmul"] == pytest.approx(N * (N - 1) / 2 / (N * N))
    assert live.work(trace) == N * (N - 1) // 2 * (2 * D - 1)
