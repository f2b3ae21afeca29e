"""The traffic of a scalar trace that fits in fast memory, in closed form (no LRU walk).

``analyzer.traffic`` simulates every record through an LRU fast memory. In a trace with no
arrays (scalar inputs, computed words, constants), that model leaves little to simulate: a
computed word is resident from its op to its last reader (free deletion drops it then; an
output stays to the end), and an input's line, once read, stays (inputs are the caller's
memory: never dropped, never dirty). So the bytes resident at record ``i`` are the input
lines read up to ``i`` plus the words live at ``i``. While that never exceeds fast memory,
nothing is ever evicted, and every figure follows: each input line read is read once, cold,
charged to the first input on it; each output word is written once at the end, a result;
nothing else moves.

``scalar_traffic`` returns that ``Traffic``, or None where it would have to guess: arrays or
array ops in the trace, a value read by a record the simulation does not walk, or resident
bytes above fast memory at some record (evictions: the simulation decides).

>>> from analyzer.tracers import run
>>> t = Trace(); _ = run(lambda x: (x[0] * x[1]) + x[2], {"x": [1.0, 2.0, 3.0]}, t)
>>> r = scalar_traffic(t, fast_memory=1024, line=64)
>>> r.kinds["cold"], r.kinds["result"], r.total       # x's one line in, the sum out
(64, 8, 72)
>>> scalar_traffic(t, fast_memory=64, line=64) is None   # the line and a word exceed 64 bytes
True
"""
from __future__ import annotations

from types import MappingProxyType

import numpy as np

from analyzer.kernels import KERNELS, add_at, by_code
from analyzer.ops import GUARDS, SCALAR_COST, Op
from analyzer.passes.columns import OTHER, TYPES, columns, last_readers, member, reads, value_types
from analyzer.trace import CODE, NONE, SCALAR_BYTES, WIDE, Trace
from analyzer.traffic.accounting import KINDS, Traffic
from analyzer.traffic.layout import word_size as _word_size

_WALKED = frozenset(SCALAR_COST) | GUARDS     # the records the simulation walks (the rest it skips)
_SIZE_BY_TYPE = {**SCALAR_BYTES, type(None): -1}  # what _word_size says of plain Python values; None: no word
_SIZE_BY_CODE = np.array([_SIZE_BY_TYPE.get(t, -2) for t in TYPES] + [-2], dtype=np.int64)   # by value_types code


def scalar_traffic(trace: Trace, fast_memory: int, line: int) -> Traffic | None:
    """``analyzer.traffic.traffic(trace, fast_memory, line)`` of a scalar trace that never fills
    fast memory, without simulating it; None when the trace is not one (see the module docstring)."""
    if trace.extras:
        return None
    values = trace.values
    types = value_types(trace)
    other = np.flatnonzero(types == OTHER).tolist()
    if (types == TYPES.index(np.ndarray)).any() or any(issubclass(type(values[k]), np.ndarray) for k in other):
        return None
    c = columns(trace)
    n = len(c.codes)
    walked = member(c.codes, _WALKED)
    if (~walked & (c.src0 != NONE)).any():      # a value read by a record the simulation skips: never dropped
        return None
    sizes = _sizes(values, types)
    word = walked & (sizes >= 0)
    inputs = np.flatnonzero((c.codes == CODE[Op.INPUT]) & (sizes >= 0))
    line_of, owners = _input_lines(trace, inputs, sizes, line)

    # words: live from their op to their last reader (outputs: to the end); input lines: resident
    # from their first reader on
    outputs = np.array(sorted(set(trace.outputs)), dtype=np.int64)
    peak, first = _residency(trace, word, sizes, outputs, line_of, len(owners), line)
    if n and peak > fast_memory:
        return None
    read_lines = np.flatnonzero(first < n)

    moved: dict[int, list[int]] = {}
    for owner in owners[read_lines].tolist():
        moved.setdefault(owner, [0, 0])[0] += line
    results = outputs[word[outputs]] if len(outputs) else outputs
    for owner, size in zip(results.tolist(), sizes[results].tolist()):
        moved.setdefault(owner, [0, 0])[1] += size
    reads_, writes = len(read_lines) * line, int(sizes[results].sum())
    kinds = {**dict.fromkeys(KINDS, 0), "cold": reads_, "result": writes}
    return Traffic(fast_memory, line, reads_, writes, MappingProxyType(kinds),
                   MappingProxyType({k: (v[0], v[1]) for k, v in sorted(moved.items())}))


def _residency(trace: Trace, word: np.ndarray, sizes: np.ndarray, outputs: np.ndarray, line_of: np.ndarray,
               lines: int, line: int) -> tuple[int, np.ndarray]:
    """(the most bytes resident at any record, the first reader of each input line: n if none):
    each ``word`` of ``sizes`` bytes from its record to its last reader (an output's: the end), each
    line from its first reader on."""
    n = len(word)
    c = columns(trace)
    if KERNELS is not None:     # (from the sources columns: the reads need not be made)
        peak, first = KERNELS.residency(word, sizes, last_readers(trace), outputs, line_of, c.src0, c.src1,
                                        trace.wide, WIDE, lines, line)
        return peak, np.frombuffer(first, dtype=np.int64)
    src, reader = reads(trace, c)
    last = last_readers(trace).copy()
    last[outputs] = n
    delta = np.zeros(n + 2, dtype=np.int64)
    ids = np.flatnonzero(word)
    delta[ids] += sizes[ids]                 # (one word per id)
    add_at(delta, last[ids] + 1, -sizes[ids])
    touched = (line_of >= 0)[src]
    first = np.full(lines, n, dtype=np.int64)
    np.minimum.at(first, line_of[src[touched]], reader[touched].astype(np.int64))
    read_lines = np.flatnonzero(first < n)
    delta[:n] += np.bincount(first[read_lines], minlength=n)[:n] * line
    return (int(np.cumsum(delta[:n]).max()) if n else 0), first


def _sizes(values: list, types: np.ndarray) -> np.ndarray:
    """Bytes of each value (of type ``TYPES[types[i]]``: ``value_types``) as the simulation
    sizes a word (-1 for None: no word)."""
    sizes = by_code(_SIZE_BY_CODE, types)
    for k in np.flatnonzero(sizes == -2).tolist():    # numpy scalars (their itemsize), other objects
        sizes[k] = _word_size(values[k])
    return sizes


def _input_lines(trace: Trace, inputs: np.ndarray, sizes: np.ndarray, line: int) -> tuple[np.ndarray, np.ndarray]:
    """(line number of each record, -1 for all but scalar inputs; the first input on each line).

    The elements of one input (``x``, ``x[0]``, ``x[0][1]``) are contiguous and each input
    starts a new line, as the simulation places them."""
    names = trace.input_names
    line_of = np.full(len(sizes), -1, dtype=np.int64)
    offset, top = 0, None
    owners: dict[int, int] = {}
    for i, size in zip(inputs.tolist(), sizes[inputs].tolist()):
        name = names.get(i, "").split("[", 1)[0]
        if name != top:
            top, offset = name, -(-offset // line) * line
        key = offset // line
        line_of[i] = key
        owners.setdefault(key, i)
        offset += size
    numbers = np.full(max(owners, default=-1) + 1, -1, dtype=np.int64)
    numbers[list(owners)] = list(owners.values())
    return line_of, numbers
