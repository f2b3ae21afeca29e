"""Library calls are costed by their own formula, and a call outside the cost model says so.

Each case traces one numpy call on traced arrays and checks (mults, adds, other) against a
count worked out by hand in the comment beside it.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pytest

from analyzer.trace import Trace
from analyzer.tracers import run


def traced(fn: Callable[..., Any], **inputs: Any) -> Trace:
    t = Trace()
    run(fn, inputs, t)
    return t


def counts(fn: Callable[..., Any], **inputs: Any) -> tuple[int, int, int]:
    c = traced(fn, **inputs).cost()
    return c.mults, c.adds, c.other


A23, B34, C45 = np.ones((2, 3)), np.ones((3, 4)), np.ones((4, 5))


@pytest.mark.parametrize("fn, inputs, expected", [
    # (2,3)@(3,4): 2*4 outputs, 3 products and 2 additions each
    (lambda a, b: np.einsum("ij,jk->ik", a, b), {"a": A23, "b": B34}, (24, 16, 0)),
    # without optimize one nest over i,j,k,l: 2*3*4*5 = 120 points, 2 mults each; 120 - 2*5 adds
    (lambda a, b, c: np.einsum("ij,jk,kl->il", a, b, c), {"a": A23, "b": B34, "c": C45}, (240, 110, 0)),
    # optimize: numpy's path contracts jk,kl -> jl first (3*4*5 = 60 mults, 60 - 15 adds),
    # then ij,jl -> il (2*3*5 = 30 mults, 30 - 10 adds)
    (lambda a, b, c: np.einsum("ij,jk,kl->il", a, b, c, optimize=True),
     {"a": A23, "b": B34, "c": C45}, (90, 65, 0)),
    # the trace of a 4x4 matrix: 4 diagonal elements, 3 additions
    (lambda a: np.einsum("ii->", a), {"a": np.ones((4, 4))}, (0, 3, 0)),
    # implicit output with an ellipsis: a batch of 5 dot products of length 3
    (lambda a, b: np.einsum("...i,...i", a, b), {"a": np.ones((5, 3)), "b": np.ones((5, 3))}, (15, 10, 0)),
])
def test_einsum_follows_its_contraction_path(fn, inputs, expected):
    assert counts(fn, **inputs) == expected


@pytest.mark.parametrize("fn, x, expected", [
    # 5 n log2 n for n = 8: 120 flops, 2/5 of them multiplications
    (np.fft.fft, np.ones(8), (48, 72, 0)),
    (np.fft.ifft, np.ones(8, complex), (48, 72, 0)),
    # a real transform costs half: 60
    (np.fft.rfft, np.ones(8), (24, 36, 0)),
    (np.fft.irfft, np.ones(5, complex), (24, 36, 0)),         # 5 bins -> 8 real points
    # three rows of length 8: 3 * 120
    (np.fft.fft, np.ones((3, 8)), (144, 216, 0)),
    # a 4x8 transform: N = 32 points, 5 * 32 * log2(32) = 800
    (np.fft.fft2, np.ones((4, 8)), (320, 480, 0)),
])
def test_the_fft_family_costs_five_n_log2_n(fn, x, expected):
    assert counts(lambda x: fn(x), x=x) == expected


def test_polyval_is_horners_rule():
    # degree 3 (4 coefficients) at 5 points: 3 mults and 3 adds per point
    assert counts(lambda p, x: np.polyval(p, x), p=np.ones(4), x=np.ones(5)) == (15, 15, 0)


@pytest.mark.parametrize("fn, inputs, flops", [
    # LU solve with one right-hand side: 2n^3/3 + 2n^2 = 42.67 + 32 (leading terms, truncated)
    (lambda a, b: np.linalg.solve(a, b), {"a": np.eye(4) * 2, "b": np.ones(4)}, 74),
    (lambda a: np.linalg.inv(a), {"a": np.eye(4) * 2}, 128),                  # 2n^3
    (lambda a: np.linalg.det(a), {"a": np.eye(4) * 2}, 42),                   # 2n^3/3
    (lambda a: np.linalg.cholesky(a), {"a": np.eye(6)}, 72),                  # n^3/3
    # SVD route for least squares, m=6 n=3 r=1: 4*6*9 + 8*27 + 4*6*3*1
    (lambda a, b: np.linalg.lstsq(a, b), {"a": np.ones((6, 3)), "b": np.ones(6)}, 504),
    # matrix 2-norm: singular values of 4x3: 4*4*9 - 4*27/3
    (lambda a: np.linalg.norm(a, 2), {"a": np.ones((4, 3))}, 108),
    # a^5 by binary powering: 5 = 101b, floor(log2 5) + popcount - 1 = 3 products of 2n^3
    (lambda a: np.linalg.matrix_power(a, 5), {"a": np.eye(3)}, 162),
])
def test_linear_algebra_costs_the_textbook_counts(fn, inputs, flops):
    m, a, o = counts(fn, **inputs)
    assert m + a + o == flops


def test_a_vector_norm_is_squares_a_sum_and_a_root():
    assert counts(lambda x: np.linalg.norm(x), x=np.ones(5)) == (5, 4, 1)


@pytest.mark.parametrize("fn, expected", [
    (lambda a: np.max(a, axis=0), (0, 0, 8)),       # 12 elements into 4 maxima: 8 comparisons
    (lambda a: np.sum(a, axis=1), (0, 9, 0)),       # 12 into 3 sums: 9 additions
    (lambda a: np.mean(a, axis=0), (0, 8, 4)),      # 8 additions, then 4 divisions
    (lambda a: a.max(), (0, 0, 11)),                # all 12 into one
    (lambda a: np.argmin(a, axis=1), (0, 0, 9)),
    (lambda a: np.prod(a, axis=0), (8, 0, 0)),
    (lambda a: np.cumsum(a, axis=1), (0, 9, 0)),    # 3 rows of 4: 3 additions each
    (lambda a: np.cumsum(a), (0, 11, 0)),           # flattened: 11
    (lambda a: np.cumprod(a, axis=0), (8, 0, 0)),   # 4 columns of 3: 2 multiplications each
])
def test_reductions_over_an_axis_cost_size_minus_outputs(fn, expected):
    assert counts(fn, a=np.arange(1.0, 13.0).reshape(3, 4)) == expected


@pytest.mark.parametrize("mode, expected", [
    ("full", (15, 8, 0)),       # n*m = 5*3 products into 7 outputs: 15 - 7 additions
    ("valid", (9, 6, 0)),       # 3 outputs of 3 products
    ("same", (13, 8, 0)),       # overlaps 2,3,3,3,2 of the full 1,2,3,3,3,2,1
])
def test_convolve_counts_the_products_where_the_sequences_overlap(mode, expected):
    assert counts(lambda a, v: np.convolve(a, v, mode), a=np.ones(5), v=np.ones(3)) == expected
    assert counts(lambda a, v: np.correlate(a, v, mode), a=np.ones(5), v=np.ones(3)) == expected


@pytest.mark.parametrize("fn, inputs, expected", [
    (lambda a, b: np.dot(a, b), {"a": A23, "b": B34}, (24, 16, 0)),
    (lambda a, b: np.dot(a, 2.0), {"a": A23, "b": B34}, (6, 0, 0)),             # a scaled: 6 mults
    (lambda a, b: np.vdot(a, b), {"a": np.ones(5), "b": np.ones(5)}, (5, 4, 0)),
    (lambda a, b: np.inner(a, b), {"a": A23, "b": np.ones((4, 3))}, (24, 16, 0)),
    (lambda a, b: np.outer(a, b), {"a": np.ones(3), "b": np.ones(4)}, (12, 0, 0)),
    # (2,3,4) . (3,4,5) over 2 axes: 2*5 outputs, K = 12 products each
    (lambda a, b: np.tensordot(a, b), {"a": np.ones((2, 3, 4)), "b": np.ones((3, 4, 5))}, (120, 110, 0)),
])
def test_products_count_each_output_as_k_products_and_k_minus_one_additions(fn, inputs, expected):
    assert counts(fn, **inputs) == expected


def test_a_call_outside_the_cost_model_is_listed_as_uncosted_by_name_and_count():
    def f(x):
        return np.median(x) + np.median(x * 2) + np.percentile(x, 50)
    t = traced(f, x=np.arange(5.0))
    assert dict(t.uncosted) == {"median": 2, "percentile": 1}


def test_costed_calls_and_ufuncs_are_not_uncosted():
    t = traced(lambda x: np.fft.fft(np.sin(x)).real + np.cumsum(np.sign(x)), x=np.arange(8.0))
    assert not t.uncosted
