"""The passes' compiled kernels give what their numpy forms give, and refuse what they cannot read.

``analyzer/_kernels.c`` replaces a few loops of the passes where it is built
(``analyzer.kernels``); the numpy forms stay, for machines without a compiler, and are the
reference here. Every comparison runs both in this process: the numpy form with the kernels
switched off in the modules that call them.
"""
from __future__ import annotations

import hashlib
import importlib.util
import re
import subprocess
import sys

import numpy as np
import pytest

import analyzer.kernels as kernels
import analyzer.passes.columns as columns_module
import analyzer.passes.first_occurrence as first_occurrence_module
import analyzer.passes.liveness as liveness
import analyzer.passes.redundancy as redundancy
import analyzer.passes.staging as staging
import analyzer.traffic.scalar as scalar_traffic
from analyzer.analysis import passes
from analyzer.native import ENVIRONMENT
from analyzer.ops import Op
from analyzer.passes import registry
from analyzer.passes.columns import columns, last_readers, reads, shared
from analyzer.passes.first_occurrence import first_occurrence
from analyzer.trace import WIDE, Trace
from analyzer.tracers import run

from tests.analyzer.test_compiled_recorder import ROOT, _compiler_present, assert_built_and_current

KERNELS = kernels.KERNELS
needs_kernels = pytest.mark.skipif(KERNELS is None, reason="the kernels are not built here")
CALLERS = (kernels, columns_module, first_occurrence_module, liveness, redundancy, staging, scalar_traffic)


@pytest.fixture
def numpy_only(monkeypatch):
    """The passes as a machine without a compiler runs them."""
    def switch_off():
        for module in CALLERS:
            monkeypatch.setattr(module, "KERNELS", None)
    return switch_off


def test_numpy_only_switches_off_every_module_that_holds_the_kernels():
    holders = {".".join(path.relative_to(ROOT).with_suffix("").parts)
               for path in (ROOT / "analyzer").rglob("*.py")
               if re.search(r"^from analyzer\.kernels import .*\bKERNELS\b", path.read_text(), re.M)}
    assert holders and holders <= {module.__name__ for module in CALLERS}


def _first_seen(*cols: np.ndarray) -> list[int]:
    """The reference: a dict of keys met, in order."""
    seen: dict[tuple, int] = {}
    return [seen.setdefault(key, i) for i, key in enumerate(zip(*(c.tolist() for c in cols)))]


def test_the_kernels_are_built_and_current_where_a_compiler_is():
    assert_built_and_current(KERNELS, "_kernels")


def test_the_build_compiles_each_extension_with_its_own_digest(tmp_path):
    if not _compiler_present():
        pytest.skip("no C compiler")
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    built = hook.compile_all(tmp_path)
    assert sorted(p.name.split(".")[0] for p in built) == ["_kernels", "_recorder"]
    for path in built:
        done = subprocess.run([sys.executable, "-c", "import sys, importlib.util as u; s = u.spec_from_file_location("
                               f"'analyzer.{path.name.split('.')[0]}', sys.argv[1]); m = u.module_from_spec(s); "
                               "s.loader.exec_module(m); print(m.SOURCE_DIGEST)", str(path)],
                              capture_output=True, text=True, check=True)
        source = ROOT / "analyzer" / (path.name.split(".")[0] + ".c")
        assert done.stdout.strip() == hashlib.sha256(source.read_bytes()).hexdigest()


@pytest.mark.parametrize("source", ["_recorder.c", "_kernels.c"])
def test_each_extension_compiles_without_a_warning(source, tmp_path):
    """-Wall clean: a warning there has been a real bug (a key written through a pointer to a byte)."""
    if not _compiler_present():
        pytest.skip("no C compiler")
    spec = importlib.util.spec_from_file_location("hatch_build", ROOT / "hatch_build.py")
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    done = subprocess.run(hook.compile_command(ROOT / "analyzer" / source, tmp_path / "x.so"),
                          capture_output=True, text=True)
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr[-2000:]


def test_stale_kernels_are_not_used(monkeypatch):
    if KERNELS is None:
        pytest.skip("the kernels are not built here")
    from analyzer.native import load
    monkeypatch.setattr(KERNELS, "SOURCE_DIGEST", "0" * 64)
    with pytest.warns(UserWarning, match="_kernels.c changed since it was compiled"):
        assert load("_kernels") is None


def test_the_environment_asks_for_the_numpy_passes(monkeypatch):
    from analyzer.native import load
    monkeypatch.setenv(ENVIRONMENT, "1")
    assert load("_kernels") is None


@pytest.mark.parametrize("n, distinct, width", [
    (0, 1, 1), (1, 1, 1), (2, 1, 1), (1000, 7, 1), (5000, 4000, 1), (20000, 20000, 1),
    (3000, 50, 2), (3000, 3000, 3), (2000, 10, 4)])
def test_first_occurrence_is_the_first_equal_key(n, distinct, width):
    rng = np.random.default_rng(n + distinct + width)
    cols = [rng.integers(-distinct, distinct, n) * (2**40 if k else 1) for k in range(width)]
    assert first_occurrence(*cols).tolist() == _first_seen(*cols)


def test_first_occurrence_of_narrow_columns_and_extreme_keys():
    keys = np.array([2**63 - 1, -2**63, 0, -1, 2**63 - 1, 0, -2**63], dtype=np.int64)
    assert first_occurrence(keys).tolist() == [0, 1, 2, 3, 0, 2, 1]
    small = np.array([3, 1, 3, 2, 1], dtype=np.int32)
    assert first_occurrence(small, small[::-1].copy()).tolist() == _first_seen(small, small[::-1].copy())


def test_first_occurrence_sorts_when_the_table_gives_up(monkeypatch):
    """A kernel that probes too far (keys made to collide) says so; the numpy rounds answer."""
    class GivesUp:
        def first_occurrence(self, cols, out):
            out[:] = -7
            return False
    monkeypatch.setattr(first_occurrence_module, "KERNELS", GivesUp())
    keys = np.array([5, 9, 5, 5, 9, 1])
    assert first_occurrence(keys).tolist() == [0, 1, 0, 0, 1, 5]


def _traces() -> list[Trace]:
    """Traces of the shapes the kernels meet: operands read once, twice, by one record twice,
    unread; a record of more than two sources (WIDE); a long chain of dead work."""
    made = []

    def arithmetic(x, n):
        acc, unused = x, 0.0
        for k in range(n):
            acc = acc * 0.5 + x
            unused = unused + acc * acc         # dead: never reaches the output
        return acc + acc

    t = Trace()
    run(arithmetic, {"x": 1.5, "n": 200}, t)
    made.append(t)
    def numbering(xs, k):
        """Value numbering's cases: commutative operands swapped, one-operand ops, x + 0 and x * 1
        with constants, ints (numbered one by one), a bool constant, repeats of each."""
        total, count = 0.0, 0
        for x in xs:
            total = total + (x * 2.0 + 2.0 * x) + (x + 0) * 1 + abs(-x) + abs(-x)
            count = count + k * 3 + 3 * k + (k + True)
        return total + count

    t = Trace()
    run(numbering, {"xs": [0.5, 1.25, 0.5, 3.0], "k": 7}, t)
    made.append(t)

    def logistic(x, r, n):
        """Long enough that the hash tables partition their keys (thousands of records)."""
        for _ in range(n):
            gain = r * r                        # recomputed: repeats at every iteration
            x = (x * (1.0 - x)) * (gain - 11.31)
        return x

    t = Trace()
    run(logistic, {"x": 0.3, "r": 3.9, "n": 6000}, t)
    made.append(t)
    t = Trace()
    a, b, c = (t.input(name, v) for name, v in (("a", 1.0), ("b", 2.0), ("c", 3.0)))
    s = t.emit(Op.ADD, (a, b), 3.0)
    w = t.emit(Op.CALL, (a, b, c, s), 9.0)      # four sources: stored wide
    t.emit(Op.MUL, (s, s), 9.0)                 # dead
    t.outputs = (t.emit(Op.ADD, (w, c), 12.0),)
    made.append(t)
    return made


def test_the_traces_exercise_wide_sources():
    assert any(WIDE in columns(t).src0.tolist() for t in _traces())


@pytest.mark.parametrize("case", range(4))
def test_reads_and_last_readers_match_numpy(case, numpy_only):
    trace = _traces()[case]
    got = reads(trace, columns(trace)), last_readers(trace)
    numpy_only()
    want = reads(trace, columns(trace)), last_readers(trace)
    for g, w in zip(got[0], want[0]):
        assert g.dtype == w.dtype == np.int32 and g.tolist() == w.tolist()
    assert got[1].tolist() == want[1].tolist()


def _random_ssa(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    ids = np.arange(n)
    src0 = np.where(ids > 0, rng.integers(0, np.maximum(ids, 1)), -1).astype(np.int32)
    src1 = np.where((ids > 0) & (rng.random(n) < 0.5), rng.integers(0, np.maximum(ids, 1)), -1).astype(np.int32)
    src0[rng.random(n) < 0.1] = -1                  # inputs and constants read nothing
    src1[src0 < 0] = -1
    return src0, src1


@needs_kernels
@pytest.mark.parametrize("n, seed", [(1, 0), (50, 1), (2000, 2), (20000, 3)])
def test_the_live_sweep_reaches_what_peeling_reaches(n, seed):
    src0, src1 = _random_ssa(n, seed)
    seeds = np.random.default_rng(seed).random(n) < 0.02
    seeds[-1] = True
    live = bytearray(seeds.tobytes())
    KERNELS.sweep_live(src0, src1, {}, WIDE, live)
    c = columns_module.Columns(np.zeros(n, dtype=np.uint8), src0, src1, np.ones(n, dtype=bool))

    class Bare:
        wide: dict = {}
    read = np.concatenate([src0[src0 >= 0], src1[src1 >= 0]])
    unreached = liveness._unreached(Bare(), c, seeds, read, rounds=10**6)
    assert np.frombuffer(live, dtype=bool).tolist() == (~unreached).tolist()


@needs_kernels
def test_the_live_sweep_follows_wide_sources_and_a_chain_too_long_to_peel():
    n = 300                                     # a chain of 299 links, then a wide record
    src0 = np.arange(-1, n - 1, dtype=np.int32)
    src1 = np.full(n, -1, dtype=np.int32)
    src0 = np.append(src0, WIDE).astype(np.int32)
    src1 = np.append(src1, -1).astype(np.int32)
    live = bytearray(n + 1)
    live[n] = 1
    KERNELS.sweep_live(src0, src1, {n: (5, 7)}, WIDE, live)
    assert [i for i in range(n + 1) if live[i]] == list(range(8)) + [n]


@pytest.mark.parametrize("dtype", [np.int32, np.int64])
def test_add_at_is_numpy_add_at(dtype):
    rng = np.random.default_rng(1)
    index = rng.integers(0, 50, 3000)
    values = rng.integers(-2**20, 2**20, 3000).astype(dtype)
    got, want = np.zeros(52, dtype=dtype), np.zeros(52, dtype=dtype)
    kernels.add_at(got, index, values)
    np.add.at(want, index, values)
    assert got.tolist() == want.tolist()
    got, want = np.full(3, 2**31 - 1, dtype=np.int32), np.full(3, 2**31 - 1, dtype=np.int32)
    kernels.add_at(got, np.array([0, 0, 2]), np.array([1, 1, 5], dtype=np.int32))    # wraps as numpy does
    np.add.at(want, np.array([0, 0, 2]), np.array([1, 1, 5], dtype=np.int32))
    assert got.tolist() == want.tolist()


def test_add_at_of_other_dtypes_is_numpy_itself():
    target = np.zeros(3)
    kernels.add_at(target, np.array([1, 1]), np.array([0.5, 0.25]))
    assert target.tolist() == [0.0, 0.75, 0.0]


@needs_kernels
@pytest.mark.parametrize("call", [
    lambda: KERNELS.last_reads(np.array([-1, 9], np.int32), np.array([-1, -1], np.int32), {}, WIDE,
                               np.arange(2, dtype=np.int32)),
    lambda: KERNELS.last_reads(np.array([-1], np.int32), np.array([-1, -1], np.int32), {}, WIDE,
                               np.arange(2, dtype=np.int32)),
    lambda: KERNELS.sweep_live(np.array([-1, 5], np.int32), np.array([-1, -1], np.int32), {}, WIDE, bytearray(b"\1\1")),
    lambda: KERNELS.sweep_live(np.array([-1, WIDE], np.int32), np.array([-1, -1], np.int32), {}, WIDE, bytearray(b"\1\1")),
    lambda: KERNELS.sweep_live(np.array([-1, WIDE], np.int32), np.array([-1, -1], np.int32), {1: (0, 4)}, WIDE,
                               bytearray(b"\1\1")),
    lambda: KERNELS.add_at(np.zeros(3, np.int64), np.array([3]), np.array([1], np.int64), 8),
    lambda: KERNELS.add_at(np.zeros(3, np.int64), np.array([-1]), np.array([1], np.int64), 8),
    lambda: KERNELS.first_occurrence((np.zeros(3, np.uint64), np.zeros(2, np.uint64)), np.empty(3, np.int64)),
    lambda: KERNELS.first_occurrence((np.zeros(3, np.uint64),) * 5, np.empty(3, np.int64)),
    lambda: KERNELS.reads(np.zeros(3, np.int32), np.zeros(2, np.int32)),
    lambda: KERNELS.number_floats(np.ones(2), 1e-9, np.array([0, 2]), np.zeros(2, np.int64), 0),
    lambda: KERNELS.number_floats(np.ones(2), 1e-9, np.array([0, -1]), np.zeros(2, np.int64), 0),
    lambda: KERNELS.number_floats(np.ones(2), 1e-9, np.array([0]), np.zeros(2, np.int64), 0),
    lambda: KERNELS.float_keys(np.ones(3, np.float32)),
    lambda: KERNELS.code_totals(np.zeros(3, np.uint8), np.zeros(2, np.int64)),
])
def test_the_kernels_refuse_what_they_would_read_or_write_out_of_bounds(call):
    with pytest.raises(ValueError):
        call()


def _found(trace: Trace) -> dict:
    measured = passes(trace)
    return {"evidence": measured.evidence(), "cost": measured.cost,
            "claims": {name: sorted(dict(p.removable(measured.found[name])).items())
                       for name, p in ((p.name, p) for p in registry()) if p.removable}}


@pytest.mark.parametrize("case", range(4))
def test_the_passes_measure_the_same_with_and_without_the_kernels(case, numpy_only):
    trace = _traces()[case]
    with shared(trace):
        got = _found(trace)
    numpy_only()
    with shared(trace):
        want = _found(trace)
    assert got == want


@needs_kernels
@pytest.mark.parametrize("case", range(4))
def test_the_static_sweep_finds_what_the_python_sweep_finds(case):
    trace = _traces()[case]
    trace.static = {0, 1}                       # the first two inputs are known ahead of time
    assert staging._static_in_c(trace).tolist() == staging._sweep(trace)
    assert staging._sweep(trace), "the case has static work to find"


@needs_kernels
def test_the_static_sweep_takes_a_wide_record_only_when_all_its_sources_are_static():
    t = Trace()
    a, b = t.input("a", 1.0, static=True), t.input("b", 2.0)
    s = t.emit(Op.ADD, (a, a), 2.0)
    t.emit(Op.CALL, (a, s, a), 5.0)             # (CALL is not pure arithmetic: never static)
    t.emit(Op.ADD, (s, b), 4.0)
    assert staging._static_in_c(t).tolist() == staging._sweep(t) == [s]


@needs_kernels
@pytest.mark.parametrize("call", [
    lambda: KERNELS.static_sweep(np.zeros(2, np.uint8), np.array([-1, 7], np.int32), np.array([-1, -1], np.int32),
                                 {}, WIDE, bytes(40), 99, bytearray(2)),
    lambda: KERNELS.static_sweep(np.array([0, 200], np.uint8), np.array([-1, -1], np.int32),
                                 np.array([-1, -1], np.int32), {}, WIDE, bytes(40), 99, bytearray(2)),
    lambda: KERNELS.residency(np.ones(2, bool), np.ones(2, np.int64), np.array([1, 0], np.int32),   # an output past
                              np.array([5]), np.full(2, -1), np.full(2, -1, np.int32), np.full(2, -1, np.int32),
                              {}, WIDE, 0, 64),
    lambda: KERNELS.residency(np.ones(2, bool), np.ones(2, np.int64), np.array([1, 1], np.int32),   # a line past
                              np.zeros(0, np.int64), np.array([0, 3]), np.array([-1, 1], np.int32),
                              np.array([-1, -1], np.int32), {}, WIDE, 1, 64),
    lambda: KERNELS.residency(np.ones(2, bool), np.ones(2, np.int64), np.array([1, 1], np.int32),   # a read past
                              np.zeros(0, np.int64), np.array([0, -1]), np.array([-1, 9], np.int32),
                              np.array([-1, -1], np.int32), {}, WIDE, 1, 64),
    lambda: KERNELS.residency(np.ones(2, bool), np.ones(2, np.int64), np.array([1, 1], np.int32),   # short columns
                              np.zeros(0, np.int64), np.array([0, -1]), np.array([-1], np.int32),
                              np.array([-1], np.int32), {}, WIDE, 1, 64),
    lambda: KERNELS.last_reads(np.array([-1, 5], np.int32), np.array([-1, -1], np.int32), {}, WIDE,
                               np.arange(2, dtype=np.int32)),
    lambda: KERNELS.last_reads(np.array([-1, WIDE], np.int32), np.array([-1, -1], np.int32), {1: (0, 7)}, WIDE,
                               np.arange(2, dtype=np.int32)),
])
def test_staging_and_residency_kernels_refuse_bad_columns(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize("case", range(4))
def test_scalar_repeats_match_numpy(case, numpy_only):
    trace = _traces()[case]
    with shared(trace):
        vn = redundancy.ValueNumbers(trace)
        got = redundancy._scalar_repeats(vn, trace, columns(trace))
        numbered = dict(vn.number)
    numpy_only()
    with shared(trace):
        vn = redundancy.ValueNumbers(trace)
        want = redundancy._scalar_repeats(vn, trace, columns(trace))
        assert numbered == vn.number, "the operands without a number are numbered in the same order"
    assert got[0].tolist() == want[0].tolist() and got[1] == want[1]


@pytest.mark.parametrize("case", range(3))
def test_the_float_buckets_indexed_later_are_the_numpy_paths(case, numpy_only):
    """The kernel leaves the rounded keys out; the buckets made from them when another value needs
    them (``_index_floats``) are those the numpy numbering makes: same keys, values and numbers."""
    def buckets(trace: Trace) -> dict:
        with shared(trace):
            vn = redundancy.ValueNumbers(trace)
            vn._index_floats()
            return {k: [(repr(v), n) for v, n in bucket] for k, bucket in vn.buckets.items()}
    trace = _traces()[case]
    got = buckets(trace)
    numpy_only()
    assert got == buckets(trace) and got


def test_the_numbering_case_has_repeats_ints_and_identities():
    trace = _traces()[1]
    repeats = redundancy.redundant_ops(trace)
    ints = [i for i, v in enumerate(trace.values) if type(v) is int]
    assert repeats.ops >= 4 * 3 and ints


def _awkward_floats(n: int, seed: int) -> np.ndarray:
    """Floats that share rounded keys, sit within and just outside the tolerance of each other,
    and are not finite, zero of both signs, subnormal, huge."""
    rng = np.random.default_rng(seed)
    base = rng.choice([0.1, 1 / 3, 2.5, -7.0, 1e300, 5e-324, 0.0, -0.0], n)
    nudge = rng.choice([0.0, 1e-12, 1e-9, 2e-9, 1e-7, -1e-12], n)
    values = base * (1 + nudge)
    values[rng.random(n) < 0.05] = np.nan
    values[rng.random(n) < 0.03] = np.inf
    values[rng.random(n) < 0.03] = -np.inf
    return values


@needs_kernels
@pytest.mark.parametrize("n, seed", [(1, 0), (2, 1), (300, 2), (20000, 3)])
def test_number_floats_matches_numpy(n, seed):
    values = _awkward_floats(n, seed)
    first, heads, far, far_first = _number_floats(values, redundancy.RTOL)
    _, _, lead, head, rest = redundancy.ValueNumbers._first_values(values, False)
    assert first.tolist() == lead.tolist()
    assert np.frombuffer(heads, dtype=bool).tolist() == head.tolist()
    assert np.frombuffer(far, dtype=np.int64).tolist() == rest.tolist()
    assert np.frombuffer(far_first, dtype=np.int64).tolist() == lead[rest].tolist()


def _number_floats(values: np.ndarray, rtol: float, spread: int = 3, base: int = 5) -> tuple:
    """The kernel on values held by every ``spread``-th of more records: (each value's first
    position, as it numbers the records, heads, far, far's firsts); records it must not number
    keep -1."""
    ids = np.arange(len(values), dtype=np.int64) * spread + 1
    numbers = np.full(len(values) * spread + 1, -1, dtype=np.int64)
    heads, far, far_first = KERNELS.number_floats(values, rtol, ids, numbers, base)
    untouched = np.ones(len(numbers), dtype=bool)
    untouched[ids] = False
    assert (numbers[untouched] == -1).all()
    return numbers[ids] - base, heads, far, far_first


def _rounding_floats(n: int, seed: int) -> np.ndarray:
    """Floats on the edges of the rounded keys: exactly halfway between two 24-bit mantissas (half
    to even decides), one ulp either side, the two mantissas themselves, of both signs, from the
    subnormals to the largest exponents; and random bit patterns (NaN payloads, infinities,
    subnormals, zeros)."""
    rng = np.random.default_rng(seed)
    q = rng.integers(2**23, 2**24, n).astype(np.float64)
    e = rng.integers(-1080, 1000, n)
    half = np.ldexp((q + 0.5) / 2**24, e)
    parts = [half, np.nextafter(half, np.inf), np.nextafter(half, -np.inf), np.ldexp(q / 2**24, e),
             np.ldexp((q + 1) / 2**24, e)]
    parts += [-p for p in parts]
    bits = rng.integers(0, 2**63, n, dtype=np.int64).view(np.float64)
    payloads = (rng.integers(1, 2**52, 20, dtype=np.int64) | (0x7FF << 52)).view(np.float64)   # NaNs
    values = np.concatenate(parts + [bits, -bits, payloads, [0.0, -0.0, 5e-324, -5e-324, np.inf, -np.inf]])
    return values[rng.permutation(len(values))]


@needs_kernels
@pytest.mark.parametrize("seed", [4, 5])
def test_number_floats_rounds_keys_as_numpy_does(seed):
    """Values that share a rounded key are grouped under its first value: where the kernel's
    rounding (from the bits) and numpy's (frexp, rint) part, a value joins another group."""
    values = _rounding_floats(3000, seed)
    first, heads, far, far_first = _number_floats(values, redundancy.RTOL)
    _, _, lead, head, rest = redundancy.ValueNumbers._first_values(values, False)
    assert first.tolist() == lead.tolist()
    assert np.frombuffer(far, dtype=np.int64).tolist() == rest.tolist()
    assert (~head).sum() > 1000, "values share keys"


@needs_kernels
@pytest.mark.parametrize("seed", [6, 7])
def test_float_keys_are_numpys(seed):
    """The keys from the bits are frexp's and rint's, value by value; a value that is not finite
    takes zero's key (2048), as numpy's conversion gives it on x86-64."""
    values = _rounding_floats(3000, seed)
    got = redundancy._float_keys_array(values)
    finite = np.isfinite(values)
    assert got[finite].tolist() == redundancy._float_keys_numpy(values)[finite].tolist()
    assert (got[~finite] == 2048).all() and (~finite).sum() >= 22
    assert (np.frexp(values[finite])[0] != 0).sum() > 5000


@needs_kernels
def test_code_totals_are_bincounts():
    rng = np.random.default_rng(8)
    codes = rng.integers(0, 256, 5000).astype(np.uint8)
    sizes = rng.integers(0, 2**40, 5000)
    counts, sums = (np.frombuffer(b, dtype=np.int64) for b in KERNELS.code_totals(codes, sizes))
    assert counts.tolist() == np.bincount(codes, minlength=256).tolist()
    assert sums.tolist() == [int(sizes[codes == k].sum()) for k in range(256)]


@pytest.mark.parametrize("dtype", [bool, np.int8, np.int64, np.float64])
def test_by_code_is_indexing(dtype, numpy_only):
    """A table's item for each code: what ``table[codes]`` gives, as a new array (the caller writes
    into it), for tables of every length up to 256 codes and past it."""
    rng = np.random.default_rng(9)
    for entries in (1, 7, 256, 300):
        table = rng.integers(-50, 50, entries).astype(dtype)
        codes = rng.integers(0, min(entries, 256), 3000).astype(np.uint8)
        got = kernels.by_code(table, codes)
        assert got.dtype == table.dtype and got.tolist() == table[codes].tolist()
        got[:1] = table[0]                      # writable
    numpy_only()
    assert kernels.by_code(table, codes).tolist() == table[codes].tolist()


@needs_kernels
def test_lookup_refuses_a_code_past_its_table():
    with pytest.raises(ValueError):
        KERNELS.lookup(np.zeros(3, np.int64), 8, np.array([0, 2, 3, 1], np.uint8))
    with pytest.raises(ValueError):
        KERNELS.lookup(np.zeros(3, np.int32), 4, np.array([0], np.uint8))


@needs_kernels
def test_number_floats_keys_what_the_tolerance_decides():
    """By hand: 1.0 + 1e-12 and 1.0 + 5e-10 share 1.0's key and are within 1e-9 of it; 1.0 + 5e-8
    shares the 24-bit key and is not. Values that are not finite all take zero's key, so the first
    NaN is the first of the rest, and NaN is close to nothing: the NaN and both infinities after it
    are far (the near-miss sweep then numbers the two infinities alike)."""
    values = np.array([1.0, 1.0 + 1e-12, 1.0 + 5e-10, 1.0 + 5e-8, np.nan, np.nan, np.inf, np.inf])
    first, heads, far, far_first = _number_floats(values, 1e-9)
    assert first.tolist() == [0, 0, 0, 0, 4, 4, 4, 4]
    assert np.frombuffer(heads, dtype=bool).tolist() == [True, False, False, False, True, False, False, False]
    assert np.frombuffer(far, dtype=np.int64).tolist() == [3, 5, 6, 7]
    assert np.frombuffer(far_first, dtype=np.int64).tolist() == [0, 4, 4, 4]
