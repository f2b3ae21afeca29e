"""The probes behind the debate's claims count what a hand count says they do.

Each expected figure is derived in the test from the computation's structure (no copied output):
the per-output Cooley-Tukey recursion, a LoRA adapter path, an LM head over every position, a
threshold neuron stopped early, a perforated loop.
"""
from __future__ import annotations

import math

import pytest

from analyzer.analysis import measure, trace_version
from analyzer.probe import catalog_probe_path, load


# --- FFT: the per-output recursion, unmemoized and memoized ---------------------------------

@pytest.mark.parametrize("n", [2, 4, 8, 16])
def test_the_unmemoized_recursion_does_n_minus_1_twiddle_products_per_output(n, catalog_trace):
    # X[k] = E[k mod n/2] + w^k O[k mod n/2]: one product and one sum per node of a binary tree
    # with n leaves (n - 1 inner nodes), evaluated afresh for each of the n outputs
    _, m = catalog_trace("fft_recursion_memoization", "baseline", n)
    assert (m.cost.mults, m.cost.adds) == (n * (n - 1), n * (n - 1))


@pytest.mark.parametrize("n", [2, 4, 8, 16])
def test_the_memoized_recursion_computes_each_of_n_values_per_level_once(n, catalog_trace):
    levels = int(math.log2(n))
    _, m = catalog_trace("fft_recursion_memoization", "optimized", n)
    assert (m.cost.mults, m.cost.adds) == (n * levels, n * levels)


def test_both_recursions_compute_the_dft():
    probe = load(catalog_probe_path("fft_recursion_memoization"))
    x = probe.module.inputs(8)["x"]
    direct = [sum(x[j] * complex(math.cos(2 * math.pi * j * k / 8), -math.sin(2 * math.pi * j * k / 8))
                  for j in range(8)) for k in range(8)]
    for version in (probe.module.baseline, probe.module.optimized):
        assert max(abs(a - b) for a, b in zip(version(x), direct)) < 1e-12


def test_memoizing_the_recursion_is_caching_except_the_repeated_products_by_one():
    # At n = 8 the baseline does 56 products and 56 sums, the memo 24 and 24: 64 flops saved.
    # Products by w^0 = 1 are identity ops, never counted as recomputation: sub-length m has
    # (n/m)^2 of them in the baseline (n/m outputs with k mod m = 0, n/m nodes each), n/m in the
    # memo. Repeated ones: sum over m = 2, 4, 8 of (n/m)^2 - n/m = 12 + 2 + 0 = 14.
    n = 8
    saved = 2 * (n * (n - 1) - n * 3)
    ones = sum((n // m) ** 2 - n // m for m in (2, 4, 8))
    result = measure(load(catalog_probe_path("fft_recursion_memoization")), (n,))
    assert result.verdict == "caching"
    assert result.attribution.savings == saved
    assert result.attribution.shares["caching"] == pytest.approx((saved - ones) / saved)
    assert result.attribution.shares["unexplained"] == pytest.approx(ones / saved)


# --- LoRA merge ------------------------------------------------------------------------------

def test_the_unmerged_adapter_costs_two_thin_products_and_a_sum_per_call():
    probe = load(catalog_probe_path("lora_merge"))
    d, r, batch = 16, probe.module.RANK, probe.module.BATCH
    _, base, _ = trace_version(probe, "baseline", d)
    _, opt, prepared = trace_version(probe, "optimized", d)
    b, o = base.cost(), opt.cost()
    # x@W (batch x d)(d x d), x@B (batch x d)(d x r), (xB)@A (batch x r)(r x d), then + (batch x d)
    assert b.mults == batch * d * d + batch * d * r + batch * r * d
    assert b.adds == batch * (d - 1) * d + batch * (d - 1) * r + batch * (r - 1) * d + batch * d
    assert (o.mults, o.adds) == (batch * d * d, batch * (d - 1) * d)
    # prepare: B@A (d x r)(r x d), then W + BA
    assert (prepared.mults, prepared.adds) == (d * r * d, d * (r - 1) * d + d * d)


def test_no_work_of_the_unmerged_adapter_is_static_as_written():
    # the adapter path multiplies x first: only after distributing does B@A depend on weights alone
    result = measure(load(catalog_probe_path("lora_merge")), (16,))
    assert result.equivalence == "equal"
    assert result.evidence["baseline"].static_flops == 0
    assert result.verdict == "unexplained"


# --- Last-token logits -----------------------------------------------------------------------

@pytest.mark.parametrize("n", [2, 8])
def test_the_head_over_every_position_leaves_all_but_the_last_row_dead(n, catalog_trace):
    probe = load(catalog_probe_path("last_token_logits"))
    width, vocab = probe.module.WIDTH, probe.module.VOCAB
    per_position = vocab * (2 * width - 1)       # width products and width - 1 sums per logit
    _, base = catalog_trace("last_token_logits", "baseline", n)
    _, opt = catalog_trace("last_token_logits", "optimized", n)
    assert (base.cost.mults, base.cost.flops) == (n * vocab * width, n * per_position)
    assert (opt.cost.mults, opt.cost.flops) == (vocab * width, per_position)
    assert base.found["liveness"].work(base.trace) == (n - 1) * per_position


# --- Early termination of a threshold neuron -------------------------------------------------

THE_CLAIMS_NEURON = '''
SIZES = (3,)
def inputs(size):
    return {"weights": [[100.0, -1.0, 2.0]],
            "xs": [[float(a), float(b), float(c)] for a in (0, 1) for b in (0, 1) for c in (0, 1)]}
'''


def test_the_claims_neuron_decides_after_one_or_two_products(measure_source):
    # order by |w|: 100, 2, -1. First input on: 100 + (at least -1) > 0 fires after 1 product.
    # First input off: 0, then 2*x3: on -> 2 - 1 > 0 fires; off -> 0 + (at most 0) <= 0 silent;
    # 2 products and 1 sum either way. Comparisons: 1 when the first input is on, 3 or 4 otherwise.
    source = catalog_probe_path("early_termination").read_text(encoding="utf-8") + THE_CLAIMS_NEURON
    result = measure_source(source)
    assert (result.baseline.mults, result.baseline.adds) == (8 * 3, 8 * 2)
    assert (result.optimized.mults, result.optimized.adds) == (4 * 1 + 4 * 2, 4 * 1)
    assert result.optimized.other == 4 * 1 + 2 * 3 + 2 * 4
    assert result.equivalence == "equal"


def test_the_neuron_fires_exactly_when_the_weighted_sum_is_positive():
    probe = load(catalog_probe_path("early_termination"))
    w = [100.0, -1.0, 2.0]
    xs = [[float(a), float(b), float(c)] for a in (0, 1) for b in (0, 1) for c in (0, 1)]
    expected = [[1 if 100 * x[0] - x[1] + 2 * x[2] > 0 else 0] for x in xs]
    plans = probe.module.prepare([w])["plans"]
    assert probe.module.baseline([w], xs) == expected == probe.module.optimized(xs, plans)


def test_the_skipped_products_are_live_in_the_baseline():
    # every product feeds the sum the threshold compares: nothing is dead before the run decides
    result = measure(load(catalog_probe_path("early_termination")), (8,))
    assert result.evidence["baseline"].dead_flops == 0
    assert result.optimized.mults < result.baseline.mults
    assert result.verdict == "unexplained"


# --- Loop perforation ------------------------------------------------------------------------

@pytest.mark.parametrize("n", [4, 64])
def test_perforation_does_half_the_samples_and_changes_the_mean(n, catalog_trace):
    # per sample: -x, exp, two products (4 flops); then n - 1 sums and one division
    _, base = catalog_trace("loop_perforation", "baseline", n)
    _, opt = catalog_trace("loop_perforation", "optimized", n)
    assert base.cost.flops == 4 * n + (n - 1) + 1
    assert opt.cost.flops == 4 * (n // 2) + (n // 2 - 1) + 1
    assert measure(load(catalog_probe_path("loop_perforation")), (n,)).verdict == "ai-specific"
