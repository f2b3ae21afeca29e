"""Array results the probe dropped leave the trace; their summaries stay.

The trace holds every value it records, so without this a chain of numpy calls keeps every
intermediate array alive (4,000 calls on 512 x 512 float64: 8 GiB). The array tracer ``note``s
each new result it may release; every so often a ``sweep`` replaces those that only the trace
still holds (the list slot is their one reference: no wrapper, view, output, or other record
holds them) by an ``ArraySummary``, which keeps what the passes read.

Released: results that own their memory (``base is None``) with numbers in them, except

- float32 values: value numbering confirms their rows equal up to float32 noise
  (``content_hash.NearRows``) on the rows themselves;
- booleans: element demand reads a ``where`` condition's elements (``row_demand``).

Never released: inputs, constants (not noted), outputs and what the probe still holds (a
reference besides the trace's), versions written in place and views and their buffers (the
write or the view holds the array too).

A sweep runs once the results noted since the last one reach ``RELEASE_AFTER`` bytes, or the
bytes still held after it, if more: tracing keeps at most about twice what the probe holds
live plus ``RELEASE_AFTER``, and each value is checked a bounded number of times. One more
runs when the version has returned (``finish``): the passes then see only what the output
or the caller still holds as arrays.
"""
from __future__ import annotations

from sys import getrefcount

import numpy as np

from analyzer.array_summary import summarize
from analyzer.recorder import COMPILED
from analyzer.trace import Trace

RELEASE_AFTER = 64 << 20
# the dtypes released, by number (``dtype.num``: an int, so the test costs a set lookup):
# integers, floats and complex numbers except float32
_RELEASED = frozenset(np.dtype(c).num for c in np.typecodes["AllInteger"] + np.typecodes["AllFloat"]
                      if np.dtype(c) != np.float32)
_KEY = "numpy"         # (its key in ``Trace.sessions``: the front-end's name, so ``run`` finishes it)


def _references(values: list, i: int) -> int:
    return getrefcount(values[i])


_ALONE = _references([np.empty(0)], 0)     # what getrefcount says of a value only the list holds


class Release:
    """The results a trace may release, and when it next sweeps them."""
    __slots__ = ("trace", "candidates", "pending", "budget")

    def __init__(self, trace: Trace) -> None:
        self.trace = trace
        self.candidates: list[int] = []     # ids of releasable values not released yet
        self.pending = 0                    # bytes noted since the last sweep
        self.budget = RELEASE_AFTER

    def note(self, i: int, a: np.ndarray) -> None:
        """Value ``i`` (the ndarray ``a``) may be released once only the trace holds it."""
        if a.base is None and a.dtype.num in _RELEASED:
            self.candidates.append(i)
            self.pending += a.nbytes
            if self.pending >= self.budget:
                self.sweep()

    def sweep(self) -> None:
        """Replace every candidate only the trace holds by its summary."""
        values, alone = self.trace.values, _ALONE
        held, kept = 0, []
        for i in self.candidates:
            if type(values[i]) is not np.ndarray:
                continue
            if getrefcount(values[i]) == alone:
                values[i] = summarize(values[i])
            else:
                kept.append(i)
                held += values[i].nbytes
        self.candidates, self.pending, self.budget = kept, 0, max(RELEASE_AFTER, held)


def release_of(t: Trace) -> Release:
    """The trace's ``Release`` (made on first use)."""
    state = t.sessions.get(_KEY)
    if state is None:
        state = t.sessions[_KEY] = Release(t)
    return state


def finish(t: Trace) -> None:
    """The last sweep, once the version returned."""
    state = t.sessions.pop(_KEY, None)
    if state is not None:
        state.sweep()


def note(t: Trace, i: int, a: np.ndarray) -> None:
    """``Release.note`` on ``t``'s release."""
    (t.sessions.get(_KEY) or release_of(t)).note(i, a)


if COMPILED:        # the array tracer's hot path notes its results in C, as ``Release.note`` does
    COMPILED.configure_release(Release, release_of, _RELEASED, _KEY)
