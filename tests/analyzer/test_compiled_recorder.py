"""The compiled recorder records what the pure-Python tracer records (and the passes' kernels find what
their numpy forms find), and the pure tracer still works.

Each process uses one of the two (``analyzer/recorder.py``), so the comparisons run probes in a
subprocess per recorder and compare every column of every trace.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from analyzer.ops import Op
from analyzer.recorder import COMPILED, ENVIRONMENT
from analyzer.trace import Trace
from analyzer.tracers.scalar import PythonScalar, Scalar, scalar

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _compiler_present() -> bool:
    linker = os.environ.get("LDSHARED") or sysconfig.get_config_var("LDSHARED") or ""
    return bool(linker) and shutil.which(shlex.split(linker)[0]) is not None


needs_compiled = pytest.mark.skipif(COMPILED is None, reason="the compiled recorder is not built here")

# Prints, for each probe file given, a digest of every column of the trace of each version at its
# smallest size: op codes, sources, values (arrays by dtype, shape and bytes), functions, wide sources,
# array costs, writes, snapshots, inputs and outputs; the traffic measure of each, at the probe's
# fast memory and at 1 KiB (the simulation's walk is compiled too); and what every pass finds (the
# passes' kernels, analyzer/_kernels.c, are off with the pure tracer too).
DIGEST = r"""
import hashlib, json, sys
import numpy as np
from analyzer.analysis import passes, trace_version
from analyzer.passes import registry
from analyzer.probe import load
from analyzer.traffic import traffic

def value(v):
    if type(v).__name__ == "ArraySummary":      # released (hashes of bytes: PYTHONHASHSEED is fixed)
        return f"summary {v.shape} {v.dtype} {v.flat}"
    if isinstance(v, np.ndarray):
        return f"array {v.dtype} {v.shape} {hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()}"
    return f"{type(v).__name__} {v!r}"

out = {}
for path in sys.argv[1:]:
    probe = load(path)
    for version in ("baseline", "optimized"):
        _, t, _ = trace_version(probe, version, probe.sizes[0])
        h = hashlib.sha256()
        for column in (bytes(t.ops), t.src0.tobytes(), t.src1.tobytes(), repr(t.fn_runs).encode(),
                       repr(sorted(t.wide.items())).encode(), repr(t.functions).encode(),
                       repr(sorted(t.extras.items())).encode(), repr(sorted(t.uncosted.items())).encode(),
                       repr((sorted(t.written), sorted(t.snapshots), sorted(t.overwritten), sorted(t.static),
                             sorted(t.input_names.items()), t.outputs)).encode(),
                       "\n".join(map(value, t.values)).encode()):
            h.update(column)
        for fast_memory in (probe.fast_memory or 512 * 1024, 1024):      # (the second evicts often)
            h.update(repr(traffic(t, fast_memory)).encode())
        measured = passes(t, probe.fast_memory)         # (the passes' kernels against their numpy forms)
        h.update(repr((measured.cost, measured.evidence())).encode())
        for p in registry():
            if p.removable:
                h.update(repr(sorted(dict(p.removable(measured.found[p.name])).items())).encode())
        out[f"{path} {version}"] = (len(t), h.hexdigest())
print(json.dumps(out))
"""


def _digests(paths: list[Path], pure: bool) -> dict:
    env = dict(os.environ, PYTHONHASHSEED="0", **{ENVIRONMENT: "1" if pure else "0"})
    done = subprocess.run([sys.executable, "-c", DIGEST, *map(str, paths)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def _probes(numpy: bool) -> list[Path]:
    """The unseen probes, the styles and the catalog's, those that use numpy or those that do not
    (torch's aside: the recorder does not trace tensors)."""
    every = [*sorted((HERE / "unseen").glob("*.py")), *sorted((HERE / "probe_styles").glob("*.py")),
             *sorted((ROOT / "analyzer" / "probes").glob("[!_]*.py"))]
    return [p for p in every if "torch" not in p.read_text() and ("numpy" in p.read_text()) == numpy]


@needs_compiled
@pytest.mark.parametrize("numpy", [False, True], ids=["scalar code", "numpy code"])
def test_the_compiled_and_pure_forms_record_the_same_traces_and_find_the_same(numpy):
    paths = _probes(numpy)
    assert len(paths) >= 20
    compiled, pure = _digests(paths, pure=False), _digests(paths, pure=True)
    assert compiled.keys() == pure.keys() and len(compiled) == 2 * len(paths)
    differ = [k for k in compiled if compiled[k] != pure[k]]
    assert not differ, f"traces differ: {differ}"


def assert_built_and_current(module, name: str) -> None:
    """``module`` (``analyzer.<name>`` as loaded) is there and built from ``analyzer/<name>.c`` as it
    is, wherever a compiler is and the environment does not ask for the pure forms."""
    if os.environ.get(ENVIRONMENT, "") not in ("", "0"):
        pytest.skip(f"{ENVIRONMENT} asks for the pure forms")
    if not _compiler_present():
        pytest.skip("no C compiler: the pure forms are the installed ones")
    assert module is not None, "install with `pip install -e .` (or run `python hatch_build.py`)"
    source = ROOT / "analyzer" / f"{name}.c"
    assert module.SOURCE_DIGEST == hashlib.sha256(source.read_bytes()).hexdigest()


def test_the_compiled_recorder_is_built_and_current_where_a_compiler_is():
    assert_built_and_current(COMPILED, "_recorder")
    assert Scalar is COMPILED.Scalar


def test_a_stale_build_is_not_used(monkeypatch):
    if COMPILED is None:
        pytest.skip("the compiled recorder is not built here")
    import analyzer.recorder as recorder
    monkeypatch.setattr(COMPILED, "SOURCE_DIGEST", "0" * 64)
    with pytest.warns(UserWarning, match="changed since it was compiled"):
        assert recorder._compiled() is None


def test_the_environment_asks_for_the_pure_tracer(monkeypatch):
    import analyzer.recorder as recorder
    monkeypatch.setenv(ENVIRONMENT, "1")
    assert recorder._compiled() is None


def test_the_tracer_tests_pass_with_the_pure_tracer():
    """The fallback is the tracer of every machine without a compiler: its own tests run on it."""
    files = ["test_trace_columns.py", "test_tracer_scalar.py", "test_tracer_bitwise.py", "test_tracer_math.py",
             "test_probe_styles.py", "test_escapes.py"]
    env = dict(os.environ, **{ENVIRONMENT: "1"})
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           *(str(HERE / f) for f in files)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout


@needs_compiled
class TestCompiledScalarEdges:
    """What the C operators do where the pure ones raise or step aside."""

    def _columns_agree(self, t: Trace) -> None:
        assert len(t.ops) == len(t.values) == len(t.src0) == len(t.src1)

    def test_an_operator_that_raises_records_only_the_constant_it_read(self):
        t = Trace()
        x = scalar(1.0, t.input("x", 1.0), t)
        with pytest.raises(ZeroDivisionError):
            x / 0
        assert [t.node(i).op for i in range(len(t))] == [Op.INPUT, Op.CONST]     # as PythonScalar
        with pytest.raises(ZeroDivisionError):
            1 / (x - x)
        self._columns_agree(t)
        assert t.node(len(t) - 1).op is Op.SUB

    def test_three_argument_pow_is_refused(self):
        t = Trace()
        x = scalar(3, t.input("x", 3), t)
        with pytest.raises(TypeError):
            pow(x, 2, 5)

    def test_other_types_are_left_to_their_own_operators(self):
        t = Trace()
        x = scalar(2.0, t.input("x", 2.0), t)
        assert x.__add__("a") is NotImplemented
        with pytest.raises(TypeError):
            x + "a"
        assert (x == "a") is False and (x != None) is True     # noqa: E711 (identity fallback)
        assert len(t) == 1

    def test_a_scalar_needs_its_slots_before_use(self):
        s = Scalar()
        with pytest.raises(AttributeError):
            s + 1
        with pytest.raises(TypeError):
            s.t = object()

    def test_guards_record_and_return_the_plain_value(self):
        t = Trace()
        x = scalar(2.5, t.input("x", 2.5), t)
        assert (bool(x), int(x), float(x), hash(x), math.floor(x).v, round(x).v) == (True, 2, 2.5, hash(2.5), 2, 2)
        assert [t.node(i).op for i in range(1, 5)] == [Op.BRANCH, Op.ESCAPE, Op.ESCAPE, Op.KEY]
        with pytest.raises(TypeError):
            [0][x]                      # index() of a float: recorded, then refused as Python does
        self._columns_agree(t)

    def test_a_trace_pickles_with_its_sources_and_records_after(self):
        import pickle
        t = Trace()
        x = scalar(2.0, t.input("x", 2.0), t)
        y = x * x
        u = pickle.loads(pickle.dumps(t))
        assert [u.sources(i) for i in range(len(u))] == [(), (0, 0)]
        z = scalar(y.v, 1, u) + 1.0
        assert z.t is u and [u.sources(i) for i in range(len(u))] == [(), (0, 0), (), (1, 2)]

    def test_the_helpers_take_scalars_of_their_run_and_plain_numbers_only(self):
        from analyzer.tracers.instrumented import traced_helpers
        t, other = Trace(), Trace()
        h = traced_helpers(t)
        add, neg = h["__taxo_add__"], h["__taxo_neg__"]
        x = scalar(1.0, t.input("x", 1.0), t)
        y = scalar(5.0, other.input("y", 5.0), other)
        assert add(x, 2).v == 3.0 and add(True, 2) == 3             # a bool is not a plain number
        assert type(add(True, 2)) is int
        assert add(y, 1.0).t is other and neg(y).t is other         # another trace's Scalar: its own operator
        assert add([1], [2]) == [1, 2] and neg(3).v == -3
        with pytest.raises(TypeError):
            add(x)
        assert [t.node(i).op for i in range(len(t))] == [Op.INPUT, Op.CONST, Op.ADD, Op.CONST, Op.NEG]


def test_the_python_scalar_keeps_the_shared_methods():
    assert {"__round__", "__array_ufunc__", "bit_length", "__torch_function__"} <= set(dir(PythonScalar))
    assert {"__round__", "__array_ufunc__", "bit_length", "__torch_function__"} <= set(dir(Scalar))


UFUNC_FORMS = '''
import numpy as np
CLAIM = "caching"
SIZES = (4,)

def inputs(size):
    return {"a": np.linspace(0.5, 2.0, size), "b": np.arange(1, size + 1, dtype=float), "k": 3}

def baseline(a, b, k):
    c = np.add(a, b)                            # two traced arrays: the compiled path
    d = np.negative(c) + a * b - a / b[0]       # one operand, operators, a Scalar second
    e = np.add(a, np.ones(len(a)))              # a plain array operand: the Python path
    f = np.multiply(c, 2.0) + np.maximum(a, b)  # a constant, a ufunc of another kind
    g = np.add(c, d, out=np.empty_like(a))      # keywords
    h = np.add.reduce(c) + np.add.accumulate(d)[-1]     # other methods
    i = np.matmul(a, b) + np.divmod(a, 2.0)[0]  # another cost kind; several outputs
    j = b[1] * a                                # a Scalar first
    m = np.sqrt(np.abs(c.astype(np.float32)))[:2] + np.add(c[:2], d[2:])   # float32, views
    n = np.add(c.sum(), k) + np.less(a, b) * a  # numpy scalars, a bool result
    return c + d + e + f + g + h + i + j + m[0] + n

def optimized(a, b, k):
    return baseline(a, b, k)
'''


@needs_compiled
def test_every_form_of_a_ufunc_call_records_as_the_pure_tracer_does(tmp_path):
    """The compiled hot path takes the common case and hands the rest to Python: either way the
    records are those of the pure tracer."""
    probe = tmp_path / "ufunc_forms.py"
    probe.write_text(UFUNC_FORMS)
    compiled, pure = _digests([probe], pure=False), _digests([probe], pure=True)
    assert compiled == pure and all(n > 40 for n, _ in compiled.values())


def test_the_probe_worker_is_given_the_tracer_asked_for(monkeypatch, tmp_path):
    from analyzer.runner import child_env
    monkeypatch.setenv(ENVIRONMENT, "1")
    assert child_env(str(tmp_path))[ENVIRONMENT] == "1"
    monkeypatch.delenv(ENVIRONMENT)
    assert ENVIRONMENT not in child_env(str(tmp_path))


@pytest.mark.skipif(not COMPILED, reason="the compiled recorder is not built here")
def test_the_compiled_walk_takes_words_of_numpy_scalars_itself(monkeypatch):
    """A sum over a numpy array's elements makes numpy float64 words: the compiled walk sizes them
    (``WORD_SIZES``) and does their records itself; only the element reads go back to Python."""
    import numpy as np

    from analyzer.traffic import traffic
    from analyzer.traffic.simulation import Simulation
    from analyzer.tracers import run

    def total(a):
        s = a[0] * 0.0
        for i in range(len(a)):
            s = s + a[i] * 2.0
        return s

    t = Trace()
    run(total, {"a": np.arange(64.0)}, t)
    stepped: list[int] = []
    step = Simulation._step
    monkeypatch.setattr(Simulation, "_step", lambda self, i, mode, *rest: (stepped.append(mode), step(self, i, mode, *rest)))
    moved = traffic(t, fast_memory=1 << 16, bulk=True)
    assert moved.total > 0 and stepped, "the element reads go to Python"
    assert set(stepped) == {3}, "every scalar record stayed in C (3: ELEMENT)"
