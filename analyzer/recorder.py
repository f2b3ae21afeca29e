"""Which recorder the tracers append with: the compiled one when it is built and current, else
the pure-Python one. Both record the same traces; the compiled one is several times faster.

``COMPILED`` is the extension module ``analyzer._recorder`` (built from ``_recorder.c`` by the
install: ``hatch_build.py``), or ``None`` when
- it was not built (no C compiler where taxo was installed),
- ``_recorder.c`` changed since it was built (a stale build would record what the source no
  longer says: rebuild with ``python hatch_build.py`` or reinstall), or
- the environment sets ``TAXO_PURE_TRACER=1`` (the tests compare the two that way).

``SourceLists`` is the pure-Python recorder's side of the trace: the sources of records not yet
moved into the trace's arrays, in two lists (``Trace.unpack``).
"""
from __future__ import annotations

import hashlib
import os
import warnings
from array import array
from pathlib import Path
from types import ModuleType

ENVIRONMENT = "TAXO_PURE_TRACER"


def _compiled() -> ModuleType | None:
    if os.environ.get(ENVIRONMENT, "") not in ("", "0"):
        return None
    try:
        from analyzer import _recorder
    except ImportError:
        return None
    source = Path(__file__).with_name("_recorder.c")
    if source.exists() and hashlib.sha256(source.read_bytes()).hexdigest() != _recorder.SOURCE_DIGEST:
        warnings.warn(f"{source} changed since it was compiled: the analyzer uses its pure-Python tracer "
                      "(same traces, slower); rebuild with `python hatch_build.py`", stacklevel=2)
        return None
    return _recorder


COMPILED = _compiled()


class SourceLists:
    """The sources of the records appended since the last ``move_into``: ``first(i)`` and
    ``second(i)`` are list appends (an ``array("i")`` append parses its argument: ~480
    instructions, a list append ~100)."""
    __slots__ = ("firsts", "seconds", "first", "second")

    def __init__(self) -> None:
        self.firsts: list[int] = []
        self.seconds: list[int] = []
        self.first = self.firsts.append
        self.second = self.seconds.append

    def __len__(self) -> int:
        return len(self.firsts)

    def move_into(self, src0: array, src1: array) -> None:
        src0.fromlist(self.firsts)
        src1.fromlist(self.seconds)
        self.firsts.clear()
        self.seconds.clear()


def recorder(ops: bytearray, values: list, consts: dict, extras: dict) -> object:
    """The append side of a new trace whose columns are ``ops``, ``values``, ``consts`` and ``extras``."""
    return COMPILED.Recorder(ops, values, consts, extras) if COMPILED else SourceLists()
