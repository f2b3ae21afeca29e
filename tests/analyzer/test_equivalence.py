"""Equivalence: outputs compared in float64, per output, with the tolerance of their dtype.

Every expected value below is worked out by hand in the comment beside it.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from analyzer.passes.equivalence import TOLERANCES, compare
from analyzer.probe import ProbeError


def test_int8_outputs_off_by_128_are_changed_not_wrapped_to_zero():
    # 100 - (-28) is 128, which int8 arithmetic would wrap to -128; in float64 it is 128
    eq = compare(np.array([100, 1], np.int8), np.array([-28, 1], np.int8))
    assert not eq.equal and eq.max_rel_error == pytest.approx(128 / 100)


def test_integer_outputs_must_match_exactly_however_small_the_relative_difference():
    # token ids: 1,000,001 for 1,000,000 is 1e-6 relative (inside float32's 1e-5), and
    # still a different token
    assert not compare(np.array([1_000_000, 5]), np.array([1_000_001, 5])).equal
    assert compare(np.array([3, 1, 4]), np.array([3, 1, 4])).equal


def test_nan_in_the_same_places_is_equal_and_in_other_places_is_not():
    assert compare(np.array([1.0, np.nan, 3.0]), np.array([1.0, np.nan, 3.0])).equal
    moved = compare(np.array([1.0, np.nan, 3.0]), np.array([np.nan, 2.0, 3.0]))
    assert not moved.equal and "NaN" in moved.reason


def test_each_output_is_normalized_by_its_own_scale():
    # one max over all outputs would divide 1e-3 by 1e6 and call the outputs equal; the
    # small output doubled is a relative error of 1 on its own scale
    b = (np.full(3, 1e6), np.full(2, 1e-3))
    o = (np.full(3, 1e6), np.full(2, 2e-3))
    eq = compare(b, o)
    assert not eq.equal and eq.max_rel_error == pytest.approx(1.0)


@pytest.mark.parametrize("dtype, spacing_inside, spacing_outside", [
    # the relative change and the dtype's tolerance: float64 1e-8, float32 1e-5, float16 2**-9
    (np.float64, 1e-9, 1e-7),
    (np.float32, 4e-6, 4e-5),
    (np.float16, 2.0 ** -10, 2.0 ** -7),    # one ulp of 1.0 (2**-10) is inside, 8 ulps are not
])
def test_the_tolerance_follows_the_dtype(dtype, spacing_inside, spacing_outside):
    b = np.array([1.0, 0.5], dtype=dtype)
    assert compare(b, np.array([1.0 + spacing_inside, 0.5], dtype=dtype)).equal
    assert not compare(b, np.array([1.0 + spacing_outside, 0.5], dtype=dtype)).equal


def test_bfloat16_tensors_use_bfloat16s_tolerance():
    torch = pytest.importorskip("torch")
    b = torch.ones(4, dtype=torch.bfloat16)
    one_ulp = b + 2.0 ** -7                 # bfloat16's spacing at 1.0; tolerance 2**-6
    four_ulps = b + 2.0 ** -5
    assert compare(b, one_ulp).equal and not compare(b, four_ulps).equal
    assert "bfloat16" in compare(b, one_ulp).reason


def test_the_baseline_dtype_sets_the_tolerance_so_demoting_to_float32_is_a_change():
    third = np.array([1 / 3])
    # float32(1/3) is 1/3 (1 + 2.98e-8): above float64's 1e-8
    assert not compare(third, third.astype(np.float32)).equal
    assert compare(third.astype(np.float32), third).equal     # float32 baseline: 1e-5


def test_the_reason_says_which_dtype_and_tolerance_applied():
    reason = compare(np.float32([1, 2]), np.float32([1, 2])).reason
    assert "float32" in reason and f"{TOLERANCES['float32']:.3g}" in reason
    assert compare(np.array([1.0]), np.array([1.0])).reason == ""       # float64: the default


def test_a_list_of_numbers_is_one_output_not_one_per_number():
    # an FFT-like output: the near-zero element is noise relative to the list's largest
    assert compare([1.0, 1e-17], [1.0, -2e-17]).equal


def test_integers_beyond_float64_precision_still_compare_exactly():
    assert not compare([10 ** 30], [10 ** 30 + 1]).equal
    assert not compare(10 ** 30, 10 ** 30 + 1).equal


# ---- outputs that cannot be compared: a ProbeError naming the problem -------------------

PROBE = """
import numpy as np
def inputs(size):
    return {{"x": np.arange(float(size))}}
def baseline(x):
    {body}
def optimized(x):
    {body}
"""


@pytest.mark.parametrize("body, says", [
    ("return (v * 2 for v in x)", "generator"),
    ("return map(abs, x)", "iterator"),
    ("x *= 2", "returned None and changed its input 'x' in place"),
    ("y = x * 2", "returned None: return what it computes"),
    ("return object()", "defines no equality"),
])
def test_an_output_that_cannot_be_compared_is_a_probe_error_not_a_verdict(measure_source, body, says):
    with pytest.raises(ProbeError, match=says) as raised:
        measure_source(PROBE.format(body=body))
    assert "probe 'tiny': baseline" in str(raised.value) and "\n" not in str(raised.value)


def test_an_exact_float32_rewrite_reads_equal_not_ai_specific(measure_source):
    # a sum reassociated in float32 differs in the last bits (~1e-7 relative), inside 1e-5
    result = measure_source("""
        import numpy as np
        SIZES = (64,)
        def inputs(size):
            return {"x": np.random.default_rng(0).standard_normal(size).astype(np.float32)}
        def baseline(x):
            total = x[0]
            for i in range(1, len(x)):
                total = total + x[i]
            return np.float32(total)
        def optimized(x):
            return np.sum(x)
        """)
    assert result.equivalence == "equal" and result.verdict != "ai-specific"
    assert result.max_rel_error is not None and 0 <= result.max_rel_error < 1e-5
    assert not math.isnan(result.max_rel_error)
