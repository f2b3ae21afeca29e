"""Data movement: the bytes one traced run moves between a slow memory and a fast memory of M bytes.

The model, stated so that a figure can be predicted from a trace by hand:

- **Fast memory**: ``fast_memory`` (M) bytes, fully associative, least recently used out first,
  write-back and write-allocate, holding ``line``-byte lines (default 64: the cache line of every
  x86-64 core, the CPU preset's included; Hong & Kung's word model is ``line=8`` for float64).
  Inputs start in slow memory; results must end there.
- **Ideal about dead data**: a value none of whose data is used again (and that is not an output
  or an input, the caller's memory) is dropped without being written back — a register, shared
  memory, or a buffer a compiler reuses. This is the red-blue pebble game's free deletion
  (Hong & Kung 1981); without it every temporary of a trace (which never frees memory) would
  cost a write-back, and FlashAttention's tiles would cost what the whole score matrix does.
- **Addresses, scalar traces** (element granularity): each traced scalar input is one element;
  the elements of one input (a list, a list of lists) are contiguous, row after row, and each
  input starts on a new line. A computed scalar occupies its own slot of its size (8 bytes for
  a float): where a program keeps it is not in the trace, so it is placed where it costs least.
  Constants are immediates (free).
- **Addresses, array traces** (numpy; torch traces after the run): the real buffer address,
  shape and strides of each operand, so a view touches only its own lines. An element read
  ``a[i, j]`` touches one line; ``c[i, j] = x`` writes one (reading it first if absent). Creating a
  view moves nothing. Where the trace does not say which lines (a gather ``a[idx]``, an assignment
  ``a[2:5] = x`` whose slice the tracer does not record), the bytes are counted as ``unplaced``
  reads or writes, streamed past fast memory.
- **An op is a streaming kernel**: it reads each line of each operand once, then writes each
  line of its result once, in address order; its internal reuse (a library matmul's own
  blocking) is not in the trace and not charged. An op whose working set exceeds M therefore
  evicts its own first lines as it goes, and the next op that needs them reads them again.
  A fresh result is written without reading; a write into an existing buffer reads each absent
  line first (write-allocate).

Every byte moved is one of five kinds, so attribution can split the traffic:

==============  ===========================================================================
``cold``        first read of input data (compulsory: no schedule avoids it)
``result``      writing results (outputs, and inputs written in place) when done with them
``reuse``       input data read again after eviction: what reuse in fast memory saves
                (tiling, blocking, interchange: caching, in the hardware sense)
``spill``       computed data written out while still needed, and read back: what keeping an
                intermediate in fast memory saves (fusion: inlining)
``unplaced``    reads and writes whose lines the trace does not name
==============  ===========================================================================

>>> import numpy as np
>>> from analyzer.tracers import run
>>> t = Trace(); _ = run(lambda x: (x * 2.0) + x, {"x": np.zeros(1024)}, t)
>>> r = traffic(t, fast_memory=1 << 20, line=8)
>>> r.kinds["cold"], r.kinds["result"], r.kinds["spill"]      # x read once, the sum written once
(8192, 8192, 0)
>>> traffic(t, fast_memory=4096, line=8).kinds["spill"]      # x * 2.0 spills, then is read back
16384

The modules: ``layout`` (pass 1: what each record is, its addresses, when it dies; ``placement``
gives dead allocations' lines to later ones), ``simulation``
(pass 2: what each op touches) with ``accounting`` (each byte's kind and owner, the ``Traffic``
record), and two fast memories with the same figures: ``lines``, the definition, one line at a
time, and ``lru`` + ``bulk`` (+ ``line_log``), many lines per numpy call. ``scalar`` answers
in closed form for a scalar trace that never fills fast memory (nothing is ever evicted).
"""
from __future__ import annotations

from analyzer.machines import CPU_CORE
from analyzer.trace import Trace
from analyzer.traffic.accounting import KINDS, Traffic
from analyzer.traffic.bulk import Bulk
from analyzer.traffic.lines import LineByLine
from analyzer.traffic.scalar import scalar_traffic

__all__ = ["DEFAULT_FAST_MEMORY", "DEFAULT_LINE", "KINDS", "Traffic", "traffic"]

DEFAULT_LINE = 64
DEFAULT_FAST_MEMORY = CPU_CORE.fast_memory  # the CPU preset's L2: 512 KiB


def traffic(trace: Trace, fast_memory: int = DEFAULT_FAST_MEMORY, line: int = DEFAULT_LINE,
            bulk: bool = True) -> Traffic:
    """Bytes ``trace`` moves between slow memory and a fast memory of ``fast_memory`` bytes.
    ``bulk=False`` simulates every record and touches every line one by one (no closed form of a
    scalar trace, ``analyzer.traffic.scalar``): slower, the same figures (tests compare them)."""
    if isinstance(line, bool) or not isinstance(line, int) or line <= 0:
        raise ValueError(f"the line size must be a positive whole number of bytes, not {line!r}")
    if isinstance(fast_memory, bool) or not isinstance(fast_memory, int) or fast_memory < line:
        raise ValueError(f"fast memory must be a whole number of bytes, at least one {line}-byte line; "
                         f"not {fast_memory!r}")
    if bulk:
        fits = scalar_traffic(trace, fast_memory, line)
        if fits is not None:
            return fits
    return (Bulk if bulk else LineByLine)(trace, fast_memory, line).run()
