"""Which recorder the tracers append with: the compiled one when it is built and current, else
the pure-Python one. Both record the same traces; the compiled one is several times faster.

``COMPILED`` is the extension module ``analyzer._recorder`` (built from ``_recorder.c``), or
``None`` where ``analyzer.native.load`` refuses it (not built, stale, or ``TAXO_PURE_TRACER=1``).

``SourceLists`` is the pure-Python recorder's side of the trace: the sources of records not yet
moved into the trace's arrays, in two lists (``Trace.unpack``).
"""
from __future__ import annotations

from array import array

from analyzer.native import ENVIRONMENT, load

__all__ = ["COMPILED", "ENVIRONMENT", "SourceLists", "recorder"]


def _compiled():
    return load("_recorder")


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
