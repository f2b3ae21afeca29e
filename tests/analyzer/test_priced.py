"""The savings in one currency (analyzer.attribution.priced): each mechanism's flops, traffic and
launches priced on a declared machine; the parts add up to the seconds saved."""
from __future__ import annotations

import numpy as np
import pytest

from analyzer.analysis import passes
from analyzer.attribution import priced
from analyzer.machines import CPU_CORE, GPU
from analyzer.trace import Trace
from analyzer.tracers import run

N = 1000        # float64 elements: 8,000 bytes, far below either preset's fast memory


def measured(fn, **inputs):
    trace = Trace()
    run(fn, inputs, trace)
    return passes(trace)


def doubled_twice(a):
    return (a * 2.0) + (a * 2.0)


def doubled_once(a):
    d = a * 2.0
    return d + d


def unfused(a):
    return (a + 1.0) * 3.0


def fused(a):
    return np.add(a, 1.0) * 3.0     # the same two ops: nothing to fuse, nothing saved


@pytest.mark.parametrize("machine", [CPU_CORE, GPU], ids=lambda m: m.name)
def test_a_repeated_array_op_removed_saves_its_flops_and_its_launch_all_caching(machine):
    a = np.arange(float(N))
    b, o = measured(doubled_twice, a=a), measured(doubled_once, a=a)
    p = priced(b, o, machine=machine)
    # by hand: the second a * 2.0 is N multiplications and one launch; traffic is the same
    # (a read once, the sum written once: everything fits in fast memory)
    one_op = N / machine.peak_flops + machine.launch_overhead
    assert p.by_measure["traffic"] == 0
    assert p.saved == pytest.approx(one_op)
    assert p.seconds["caching"] == pytest.approx(one_op)
    assert p.shares["caching"] == pytest.approx(1.0) and p.seconds["unexplained"] == pytest.approx(0.0, abs=1e-18)


def test_each_version_is_priced_as_flops_traffic_and_launches_added():
    a = np.arange(float(N))
    b, o = measured(doubled_twice, a=a), measured(doubled_once, a=a)
    p = priced(b, o, machine=CPU_CORE)
    cost = b.cost
    assert p.baseline == pytest.approx(3 * N / CPU_CORE.peak_flops + cost.traffic / CPU_CORE.bandwidth
                                       + 3 * CPU_CORE.launch_overhead)
    assert cost.traffic == 2 * N * 8        # a in, the result out


def test_no_saving_prices_to_zero_and_explains_nothing():
    a = np.arange(float(N))
    p = priced(measured(unfused, a=a), measured(fused, a=a))
    assert p.saved == 0 and all(v == 0 for v in p.seconds.values())


def test_fewer_launches_for_the_same_arithmetic_is_inlining():
    a = np.arange(float(N))

    def three_adds(a):
        return ((a + 1.0) + 1.0) + 1.0

    def one_add(a):
        return a + 3.0          # not the same arithmetic: 2N flops fewer, no mechanism removes them

    p = priced(measured(three_adds, a=a), measured(one_add, a=a), machine=CPU_CORE)
    assert p.seconds["inlining"] == 0       # arithmetic changed: launches saved are not fusion
    assert p.shares["unexplained"] == pytest.approx(1.0)


def test_the_same_arithmetic_in_one_launch_instead_of_two_is_inlining():
    a, b, c = (np.arange(float(N)) + k for k in range(3))

    def two_products(a, b, c):
        return (a * b) * c

    def one_einsum(a, b, c):
        return np.einsum("i,i,i->i", a, b, c)       # the same 2N multiplications, one call

    before, after = measured(two_products, a=a, b=b, c=c), measured(one_einsum, a=a, b=b, c=c)
    assert (before.cost.mults, after.cost.mults) == (2 * N, 2 * N)
    p = priced(before, after, machine=CPU_CORE)
    # one launch saved; the product a * b is no longer written out and read back (it fits in fast
    # memory, so that moves no bytes either way): the saving is the launch, all inlining
    assert p.by_measure["launches"] == pytest.approx(CPU_CORE.launch_overhead)
    assert p.seconds["inlining"] == pytest.approx(p.saved) and p.saved > 0
