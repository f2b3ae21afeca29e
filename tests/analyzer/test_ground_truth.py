"""Exact operation counts and growth exponents from the literature, checked against formulas."""
from __future__ import annotations

import math

import pytest

from analyzer.growth import exponent


@pytest.mark.parametrize("n", [4, 8, 16, 32])
def test_naive_dft_does_n_squared_complex_multiplications(n, catalog_trace):
    _, m = catalog_trace("fft", "baseline", n)
    assert m.cost.mults == n * n


@pytest.mark.parametrize("n", [4, 8, 16, 32, 64])
def test_radix2_fft_does_half_n_log_n_multiplications_counting_every_twiddle(n, catalog_trace):
    _, m = catalog_trace("fft", "optimized", n)
    assert m.cost.mults == (n // 2) * int(math.log2(n))
    assert m.cost.adds == n * int(math.log2(n))


@pytest.mark.parametrize("k", [1, 2, 3])
def test_strassen_does_seven_to_the_k_multiplications_and_18_additions_per_level(k, catalog_trace):
    n = 2 ** k
    _, m = catalog_trace("strassen", "optimized", n)
    assert m.cost.mults == 7 ** k
    # level l has 7^l subproblems, each doing 18 additions of (n/2^(l+1))^2 blocks
    assert m.cost.adds == sum(7 ** l * 18 * (n // 2 ** (l + 1)) ** 2 for l in range(k))


@pytest.mark.parametrize("n", [2, 4, 8])
def test_naive_matmul_does_n_cubed_multiplications(n, catalog_trace):
    _, m = catalog_trace("strassen", "baseline", n)
    assert m.cost.mults == n ** 3
    assert m.cost.adds == n * n * (n - 1)


def test_winograd_f23_does_4_multiplications_against_6(catalog_trace):
    _, direct = catalog_trace("winograd_convolution", "baseline", 1)
    _, winograd = catalog_trace("winograd_convolution", "optimized", 1)
    assert (direct.cost.mults, winograd.cost.mults) == (6, 4)


@pytest.mark.parametrize("tiles", [2, 8])
def test_winograd_scales_per_tile(tiles, catalog_trace):
    _, direct = catalog_trace("winograd_convolution", "baseline", tiles)
    _, winograd = catalog_trace("winograd_convolution", "optimized", tiles)
    assert (direct.cost.mults, winograd.cost.mults) == (6 * tiles, 4 * tiles)


def fitted(catalog_trace, probe: str, version: str, sizes: list[int]) -> float:
    return exponent(sizes, [catalog_trace(probe, version, n)[1].cost.mults for n in sizes])


@pytest.mark.parametrize("probe, version, sizes, expected", [
    ("fft", "baseline", [4, 8, 16, 32], 2.0),                       # naive DFT: n^2
    ("fft", "optimized", [16, 32, 64, 128, 256], 1.25),             # n log n over 16..256
    ("strassen", "baseline", [2, 4, 8, 16], 3.0),                   # naive matmul: n^3
    ("strassen", "optimized", [2, 4, 8, 16], math.log2(7)),         # Strassen: n^2.807
])
def test_fitted_multiplication_exponents(probe, version, sizes, expected, catalog_trace):
    assert fitted(catalog_trace, probe, version, sizes) == pytest.approx(expected, abs=0.05)


def test_least_squares_exponent_of_an_exact_power_law():
    sizes = [3, 7, 20, 51]
    assert exponent(sizes, [5 * s ** 2.5 for s in sizes]) == pytest.approx(2.5)
    assert exponent([8], [64]) is None
