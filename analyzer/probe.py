"""Loading a probe file and checking the protocol.

A probe is one Python file defining ``inputs(size)``, ``baseline(**inputs)`` and
``optimized(**inputs)``, and optionally ``CLAIM``, ``SIZES``, ``STATIC`` and
``prepare(**static) -> dict``. Every problem is a ``ProbeError`` whose message is one line
naming the probe and the cause.
"""
from __future__ import annotations

import ast
import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from analyzer.measurement import VERDICTS
from analyzer.tracers import instrument, instrumented

PROBES_DIR = Path(__file__).parent / "probes"
DEFAULT_SIZE = 8


class ProbeError(Exception):
    """A probe that cannot be run; ``str()`` is the one-line message."""


@dataclass(frozen=True)
class Probe:
    name: str
    path: Path
    module: types.ModuleType
    claim: str | None
    sizes: tuple[int, ...]
    static: tuple[str, ...]
    prepare: Callable[..., dict[str, Any]] | None
    fast_memory: int | None = None      # FAST_MEMORY: bytes of fast memory for the traffic measure

    @property
    def doc(self) -> str:
        return (self.module.__doc__ or "").strip().splitlines()[0] if self.module.__doc__ else ""


def catalog_probe_path(name: str) -> Path:
    return PROBES_DIR / f"{name}.py"


def catalog_probe_names() -> list[str]:
    return sorted(p.stem for p in PROBES_DIR.glob("*.py") if not p.stem.startswith("_"))


def declared_claim(path: Path) -> str | None:
    """The CLAIM a probe file states, read without running it (None if absent or unreadable)."""
    import ast
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "CLAIM" for t in node.targets)
                and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)):
            return node.value.value
    return None


def declared_constant(path: Path, name: str) -> tuple[Any, int] | None:
    """(value, line) of a top-level ``NAME = <literal>`` in a probe file, read without running it.

    None when absent or the file cannot be parsed; ValueError naming the line when the value
    is an expression rather than a literal.
    """
    import ast
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                return ast.literal_eval(node.value), node.lineno
            except (ValueError, TypeError, RecursionError):
                raise ValueError(f"{path}:{node.lineno}: {name} must be a literal value, not an expression") from None
    return None


def resolve(target: str) -> Path:
    """A probe file path, or the name of one of the catalog probes."""
    path = Path(target)
    if path.suffix == ".py" or path.exists():
        if not path.is_file():
            raise ProbeError(f"probe '{target}': no such file")
        return path
    if catalog_probe_path(target).is_file():
        return catalog_probe_path(target)
    raise ProbeError(f"probe '{target}': not a file and not a catalog probe")


def load(path: Path | str) -> Probe:
    path = Path(path)
    name = path.stem
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as e:
        raise ProbeError(f"probe '{name}': cannot read {path}: {e.strerror}") from None
    try:
        code = compile(instrument.rewrite(ast.parse(source, str(path))), str(path), "exec")
    except SyntaxError as e:
        raise ProbeError(f"probe '{name}' is not valid Python: line {e.lineno}: {e.msg}") from None
    module = types.ModuleType(f"taxo_probe_{name}")
    module.__file__ = str(path)
    instrumented.install(module.__dict__)  # its own operators and calls are traced (tracers.instrument)
    sys.modules[module.__name__] = module   # dataclasses and pickling look modules up
    try:
        exec(code, module.__dict__)
    except ModuleNotFoundError as e:
        if e.name != "torch":
            raise ProbeError(f"probe '{name}' failed while loading: {type(e).__name__}: {e}") from None
        raise ProbeError(f"probe '{name}' needs torch: pip install '.[torch]'") from None
    except Exception as e:  # noqa: BLE001 — any failure of user code is one line
        raise ProbeError(f"probe '{name}' failed while loading: {type(e).__name__}: {e}") from None
    return check(name, path, module)


def check(name: str, path: Path, module: types.ModuleType) -> Probe:
    missing = [f for f in ("baseline", "optimized", "inputs") if not callable(getattr(module, f, None))]
    if missing:
        raise ProbeError(f"probe '{name}' lacks {', '.join(missing)} (a probe defines baseline, optimized and inputs)")
    claim = getattr(module, "CLAIM", None)
    if claim is not None and claim not in VERDICTS:
        raise ProbeError(f"probe '{name}': CLAIM {claim!r} is not one of {', '.join(VERDICTS)}")
    sizes = _sizes(name, getattr(module, "SIZES", (DEFAULT_SIZE,)))
    static = getattr(module, "STATIC", ())
    if not isinstance(static, (tuple, list)) or not all(isinstance(s, str) for s in static):
        raise ProbeError(f"probe '{name}': STATIC must be a tuple of input names")
    prepare = getattr(module, "prepare", None)
    if prepare is not None and not callable(prepare):
        raise ProbeError(f"probe '{name}': prepare must be a function")
    fast_memory = getattr(module, "FAST_MEMORY", None)
    if fast_memory is not None and (isinstance(fast_memory, bool) or not isinstance(fast_memory, int)
                                    or fast_memory < 64):
        raise ProbeError(f"probe '{name}': FAST_MEMORY must be a whole number of bytes, at least 64 "
                         f"(one line), not {fast_memory!r}")
    return Probe(name, path, module, claim, sizes, tuple(static), prepare, fast_memory)


def _sizes(name: str, declared: Any) -> tuple[int, ...]:
    """SIZES as sorted distinct ints: any iterable of positive integers (a tuple, list, range,
    generator); anything else is a ProbeError saying what it is."""
    what = f"probe '{name}': SIZES must be positive integers (a tuple, list or range)"
    if isinstance(declared, (str, bytes, dict)) or not hasattr(declared, "__iter__"):
        raise ProbeError(f"{what}, not {type(declared).__name__}")
    try:
        sizes = list(declared)
    except Exception as e:  # noqa: BLE001 — a generator of user code may raise anything
        raise ProbeError(f"{what}; iterating it raised {type(e).__name__}: {e}") from None
    bad = [s for s in sizes if isinstance(s, bool) or not isinstance(s, int) or s <= 0]
    if not sizes or bad:
        raise ProbeError(f"{what}; {'it is empty' if not sizes else f'{bad[0]!r} is not one'}")
    return tuple(sorted(set(sizes)))
