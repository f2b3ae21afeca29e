"""Data movement (analyzer/traffic/): small cases computed by hand, then the published bounds
reproduced as growth exponents — blocked matrix multiplication (Hong & Kung 1981) and
FlashAttention (Dao et al. 2022, Theorem 2)."""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import pytest

from analyzer.analysis import measure_size
from analyzer.machines import CPU_CORE, GPU, machine
from analyzer.probe import ProbeError, catalog_probe_path, load
from analyzer.trace import Trace
from analyzer.tracers import run
from analyzer.traffic import KINDS, traffic

TOLERANCE = 0.15


def moved(fn: Callable[..., Any], fast_memory: int, line: int = 64, **inputs: Any):
    trace = Trace()
    run(fn, inputs, trace)
    return traffic(trace, fast_memory, line)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares exponent of y against x on log-log axes."""
    return float(np.polyfit(np.log(xs), np.log(ys), 1)[0])


# ---- by hand ----

def read_four_twice(x):
    s = x[0] + x[1] + x[2] + x[3]
    return s + x[0] + x[1] + x[2] + x[3]


def test_a_list_read_twice_that_fits_costs_one_read_of_its_line_and_the_result():
    r = moved(read_four_twice, 1024, x=[1.0, 2.0, 3.0, 4.0])
    assert (r.reads, r.writes) == (64, 8)       # 4 floats share one 64-byte line; one float out
    assert r.kinds["cold"] == 64 and r.kinds["result"] == 8 and r.kinds["reuse"] == 0


def test_a_numpy_array_read_twice_that_fits_costs_one_read_of_its_line():
    r = moved(lambda a: (a + a) * a, 1024, a=np.arange(4.0))
    assert r.kinds["cold"] == 64                 # a: 32 bytes, one line, read once
    assert r.kinds["result"] == 64               # the product: one line; a + a never leaves fast memory
    assert r.total == 128 and r.kinds["spill"] == 0


def three_products(x):
    a = x[0] * 2.0
    b = x[1] * 3.0
    c = x[2] * 4.0
    return a + b + c


def test_two_words_of_fast_memory_spill_each_product_once():
    # 8-byte lines, room for two floats. x0..x2 come in once (24 cold). a, b and c are each
    # pushed out by the next value while still needed, and read back: 8 + 8 bytes apiece.
    # a + b is dead once added, so it is dropped, never written; the sum goes out once.
    r = moved(three_products, 16, line=8, x=[1.0, 2.0, 3.0])
    assert dict(r.kinds) == {"cold": 24, "result": 8, "reuse": 0, "spill": 48, "unplaced": 0}
    assert (r.reads, r.writes) == (48, 32)


def by_columns(a):
    s = a[0, 0] * 0.0
    for j in range(a.shape[1]):
        for i in range(a.shape[0]):
            s = s + a[i, j]
    return s


def by_rows(a):
    s = a[0, 0] * 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s = s + a[i, j]
    return s


def test_reading_a_row_major_matrix_by_columns_costs_a_line_per_element():
    a = np.ones((16, 16))                       # 16 rows of two lines; fast memory holds 8 lines
    rows, cols = moved(by_rows, 512, a=a), moved(by_columns, 512, a=a)
    assert rows.reads == 16 * 16 * 8            # every line once
    assert cols.reads == 16 * 16 * 64           # every element a line: each column evicts the last
    assert cols.kinds["reuse"] == cols.reads - rows.reads


def test_kinds_add_up_and_every_byte_has_an_owner():
    r = moved(three_products, 16, line=8, x=[1.0, 2.0, 3.0])
    assert set(r.kinds) == set(KINDS) and sum(r.kinds.values()) == r.total
    assert sum(rd for rd, _ in r.by_value.values()) == r.reads
    assert sum(wr for _, wr in r.by_value.values()) == r.writes


def test_figures_do_not_depend_on_where_the_allocator_put_the_arrays():
    a = np.ones((16, 16))
    first = moved(by_columns, 512, a=a[1:, 1:].copy())
    again = moved(by_columns, 512, a=np.ones(1000)[3:228].reshape(15, 15))  # another address
    assert first.total == again.total


def test_bad_sizes_are_one_line_errors():
    t = Trace()
    with pytest.raises(ValueError, match="at least one 64-byte line"):
        traffic(t, 32)
    with pytest.raises(ValueError, match="line size"):
        traffic(t, 1024, 0)


# ---- Hong & Kung: blocked matrix multiplication ----

def naive_matmul(a, b):
    """Row i of c is a[i] @ b: every row reads all of b, Theta(n^3) bytes once b exceeds fast memory."""
    c = np.empty_like(a)
    for i in range(a.shape[0]):
        np.matmul(a[i], b, out=c[i])
    return c


def blocked_matmul(block: int) -> Callable:
    """Each block x block tile of c from a row panel of a and a column panel of b, streamed along k:
    the tile stays in fast memory while the panels pass, Theta(n^3 / block) bytes."""
    def blocked(a, b):
        n = a.shape[0]
        c = np.empty_like(a)
        for i in range(0, n, block):
            for j in range(0, n, block):
                np.matmul(a[i:i + block], b[:, j:j + block], out=c[i:i + block, j:j + block])
        return c
    return blocked


def block_for(fast_memory: int) -> int:
    """The largest tile whose c block, with a strip of each panel, takes at most M / 8: sqrt(M / 64) floats a side."""
    return math.isqrt(fast_memory // 64)


def matrices(n: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(n)
    return {"a": rng.standard_normal((n, n)), "b": rng.standard_normal((n, n))}


def matmul_traffic(version: str, n: int, m: int, _memo: dict = {}) -> int:     # noqa: B006 — a cache
    if (version, n, m) not in _memo:
        fn = naive_matmul if version == "naive" else blocked_matmul(block_for(m))
        _memo[version, n, m] = moved(fn, m, **matrices(n)).total
    return _memo[version, n, m]


@pytest.mark.parametrize("version, exponent", [("naive", 3.0), ("blocked", 3.0)])
def test_matmul_traffic_grows_as_n_cubed_once_the_matrices_exceed_fast_memory(version, exponent):
    sizes = [32, 64, 128]               # 8 KiB matrices and up, fast memory 4 KiB
    assert slope(sizes, [matmul_traffic(version, n, 4096) for n in sizes]) == pytest.approx(exponent, abs=TOLERANCE)


@pytest.mark.parametrize("version, exponent", [("naive", 0.0), ("blocked", -0.5)])
def test_blocked_matmul_traffic_falls_as_one_over_root_m_and_naive_does_not(version, exponent):
    memories = [4096, 16384, 65536]     # tiles of 8, 16 and 32; the 128 KiB matrices exceed all
    traffic_ = [matmul_traffic(version, 128, m) for m in memories]
    assert slope(memories, traffic_) == pytest.approx(exponent, abs=TOLERANCE)


def test_blocking_saves_reuse_of_the_inputs():
    naive, blocked = (moved(fn, 4096, **matrices(128)) for fn in (naive_matmul, blocked_matmul(8)))
    assert blocked.total < naive.total / 3
    assert naive.kinds["reuse"] - blocked.kinds["reuse"] > 0.9 * (naive.total - blocked.total)


# ---- Dao et al.: FlashAttention ----

def standard_attention(q, k, v):
    s = q @ k.T
    p = np.exp(s - np.max(s, axis=1)[:, None])
    return (p / np.sum(p, axis=1)[:, None]) @ v


def flash_attention(rows_q: int, rows_kv: int) -> Callable:
    """Query blocks of ``rows_q`` rows stay in fast memory (with their output, running maximum and
    sum) while key/value blocks of ``rows_kv`` rows stream past, softmax computed online."""
    def flash(q, k, v):
        rows = []
        for i in range(0, q.shape[0], rows_q):
            qi, o, m, l = q[i:i + rows_q], None, None, None
            for j in range(0, k.shape[0], rows_kv):
                s = qi @ k[j:j + rows_kv].T
                mt = np.max(s, axis=1)
                if m is None:
                    p = np.exp(s - mt[:, None])
                    m, l, o = mt, np.sum(p, axis=1), p @ v[j:j + rows_kv]
                    continue
                m_new = np.maximum(m, mt)
                scale = np.exp(m - m_new)
                p = np.exp(s - m_new[:, None])
                l = l * scale + np.sum(p, axis=1)
                o = o * scale[:, None] + p @ v[j:j + rows_kv]
                m = m_new
            rows.append(o / l[:, None])
        return np.concatenate(rows)
    return flash


def qkv(n: int, d: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(n + d)
    return {name: rng.standard_normal((n, d)) for name in ("q", "k", "v")}


def attention(version: str, n: int, d: int, m: int, _memo: dict = {}) -> int:   # noqa: B006 — a cache
    """Bytes beyond the compulsory (reading Q, K, V and writing O once: Theta(N d) for both), the
    part Theorem 2 bounds. Flash keeps B_r = M / 64d query rows, key/value blocks of
    B_c = min(B_r, d) rows (Algorithm 1's B_r = min(B_c, d), with the loops in FlashAttention-2's order)."""
    if (version, n, d, m) not in _memo:
        rows_q = m // (64 * d)
        fn = standard_attention if version == "standard" else flash_attention(rows_q, min(rows_q, d))
        r = moved(fn, m, **qkv(n, d))
        _memo[version, n, d, m] = r.total - r.kinds["cold"] - r.kinds["result"]
    return _memo[version, n, d, m]


@pytest.mark.parametrize("version, exponent", [("standard", 2.0), ("flash", 2.0)])
def test_attention_traffic_grows_as_n_squared(version, exponent):
    sizes = [64, 128, 256]              # d = 16, fast memory 16 KiB: the 32 KiB scores and up never fit
    assert slope(sizes, [attention(version, n, 16, 16384) for n in sizes]) == pytest.approx(exponent, abs=TOLERANCE)


@pytest.mark.parametrize("version, exponent", [("standard", 0.0), ("flash", -1.0)])
def test_flash_attention_traffic_falls_as_one_over_m_and_standard_does_not(version, exponent):
    memories = [8192, 16384, 32768]
    assert slope(memories, [attention(version, 256, 16, m) for m in memories]) == \
        pytest.approx(exponent, abs=TOLERANCE)


def test_flash_attention_traffic_grows_as_d_squared():
    dims = [8, 16, 32]
    assert slope(dims, [attention("flash", 256, d, 32768) for d in dims]) == pytest.approx(2.0, abs=TOLERANCE)


def test_what_standard_attention_moves_is_scores_written_and_read_back():
    s, f = (moved(fn, 16384, **qkv(256, 16)) for fn in (standard_attention, flash_attention(16, 16)))
    assert f.total < s.total / 3
    assert s.kinds["spill"] > 0.9 * s.total         # S and P: intermediates out and back (fusion's saving)
    assert f.kinds["reuse"] > 0.7 * f.total         # K and V read again per query block (tiling's cost)


# ---- the probes and the settings ----

@pytest.mark.parametrize("name, saved", [("loop_tiling", "reuse"), ("loop_interchange", "reuse"),
                                         ("cache_oblivious_transpose", "reuse"),
                                         ("flash_attention_io", "spill"), ("online_softmax_io", "reuse")])
def test_each_traffic_probe_saves_data_movement_of_the_kind_it_names(name, saved):
    probe = load(catalog_probe_path(name))
    run_ = measure_size(probe, probe.sizes[1])     # the middle size: already past fast memory
    b, o = run_.baseline.found["traffic"], run_.optimized.found["traffic"]
    assert b.fast_memory == o.fast_memory == probe.fast_memory
    assert o.total < b.total
    assert b.kinds[saved] - o.kinds[saved] > 0.5 * (b.total - o.total)
    assert run_.equivalence.equal


def test_fast_memory_comes_from_the_probe_and_can_be_overridden(write_probe):
    path = write_probe("tiny", """
        FAST_MEMORY = 128
        def inputs(size):
            return {"x": [1.0] * size}
        def baseline(x):
            return sum(v * 2.0 for v in x)
        def optimized(x):
            return sum(x) * 2.0
        """)
    probe = load(path)
    assert measure_size(probe, 4).baseline.found["traffic"].fast_memory == 128
    assert measure_size(probe, 4, fast_memory=4096).baseline.found["traffic"].fast_memory == 4096


@pytest.mark.parametrize("value", ["1MiB", 0, 32, True, 1.5])
def test_a_bad_fast_memory_setting_is_a_one_line_error(write_probe, value):
    path = write_probe("bad", f"""
        FAST_MEMORY = {value!r}
        def inputs(size):
            return {{"x": 1.0}}
        def baseline(x):
            return x
        def optimized(x):
            return x
        """)
    with pytest.raises(ProbeError, match="FAST_MEMORY must be a whole number of bytes") as e:
        load(path)
    assert "\n" not in str(e.value)


def test_the_worker_takes_fast_memory(capsys):
    from analyzer.worker import main
    assert main([str(catalog_probe_path("loop_interchange")), "--sizes", "16", "--fast-memory", "32"]) == 1
    assert "--fast-memory must be at least 64 bytes" in capsys.readouterr().out
    assert main([str(catalog_probe_path("loop_interchange")), "--sizes", "16", "--fast-memory", "4096"]) == 0


# ---- the roofline ----

def test_the_roofline_overlaps_arithmetic_and_movement_and_adds_launches():
    assert CPU_CORE.estimated_seconds(39.2e9, 0, 0) == pytest.approx(1.0)         # one second of flops
    assert CPU_CORE.estimated_seconds(39.2e9, 3.2e9, 0) == pytest.approx(1.0)     # overlapped traffic
    assert CPU_CORE.estimated_seconds(0, 6.4e9, 0) == pytest.approx(2.0)          # memory-bound
    assert GPU.estimated_seconds(0, 0, 1000) == pytest.approx(1000 * GPU.launch_overhead)
    assert machine("gpu") is GPU
    with pytest.raises(ValueError, match="known: cpu-core, gpu"):
        machine("tpu")


# ---- the bulk simulation is the line-by-line one, faster ----

def mixed_program(a, b):
    """Views, transposes, in-place updates, element writes and reads, a gather and fresh results."""
    c = a @ b
    d = c.T + a[:, ::2].sum() + b[::-1, :]
    d += a
    d[0, 0] = c[1, 2]
    e = np.maximum(d, 0.0)[::3]
    f = e * e[:, ::-1]
    d[2] = f[0]
    return f.sum(axis=0) + d[:, 0].sum() + b[[0, 2]].sum()


@pytest.mark.parametrize("fast_memory", [64, 512, 4096, 32768, 1 << 20])
@pytest.mark.parametrize("line", [8, 64])
def test_bulk_touches_move_exactly_the_bytes_of_touching_each_line_in_turn(fast_memory, line):
    rng = np.random.default_rng(7)
    trace = Trace()
    run(mixed_program, {"a": rng.normal(size=(48, 48)), "b": rng.normal(size=(48, 48))}, trace)
    bulk, lines = traffic(trace, fast_memory, line), traffic(trace, fast_memory, line, bulk=False)
    assert bulk.kinds["reuse"] + bulk.kinds["spill"] > 0 or fast_memory == 1 << 20     # evictions happen
    assert (bulk.reads, bulk.writes, dict(bulk.kinds)) == (lines.reads, lines.writes, dict(lines.kinds))
    assert dict(bulk.by_value) == dict(lines.by_value)


@pytest.mark.parametrize("name", ["loop_tiling", "flash_attention_io", "kv_cache", "activation_checkpointing",
                                  "batching", "online_softmax_io"])
def test_bulk_and_line_by_line_agree_on_catalog_probes(name):
    from analyzer.analysis import trace_version
    probe = load(catalog_probe_path(name))
    for version in ("baseline", "optimized"):
        trace = trace_version(probe, version, probe.sizes[0])[1]
        for fast_memory in (1024, 16384):
            bulk, lines = traffic(trace, fast_memory), traffic(trace, fast_memory, bulk=False)
            assert (bulk.reads, bulk.writes, dict(bulk.kinds), dict(bulk.by_value)) == \
                (lines.reads, lines.writes, dict(lines.kinds), dict(lines.by_value)), (version, fast_memory)
