"""Memory limits: sizes people write (``512MiB``, ``8GiB``, ``2G``), and the default share of RAM.

The limit is on what a probe's processes hold resident, summed over all of them, not on
the address space a library maps (the CUDA build of torch maps more than 2 GiB on import).

    >>> parse_size("8GiB"), parse_size("2G"), parse_size("1.5 GB")
    (8589934592, 2147483648, 1500000000)
    >>> format_size(3435973837)
    '3.2 GiB'
"""
from __future__ import annotations

import os
import re
from pathlib import Path

RAM_SHARE = 0.5                 # of MemTotal, for all the probes that run at once
MIN_MEMORY = 64 * 2**20         # the analyzer alone holds about 40 MiB
_UNITS = {"": 1, "b": 1, "k": 2**10, "kib": 2**10, "m": 2**20, "mib": 2**20, "g": 2**30, "gib": 2**30,
          "t": 2**40, "tib": 2**40, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)
SIZE_HINT = "a size like 512MiB, 8GiB or 2G"


def parse_size(text: str, minimum: int = MIN_MEMORY) -> int:
    """Bytes in ``text``: K/M/G/T and KiB/MiB/GiB/TiB are powers of 1024, kB/MB/GB/TB of 1000.

    Raises ValueError (with SIZE_HINT in its message) for anything else, and for sizes
    below ``minimum`` (by default MIN_MEMORY, which could not even start the analyzer).

    >>> parse_size("32KiB", minimum=64)
    32768
    """
    match = _SIZE.fullmatch(text)
    unit = match and _UNITS.get(match.group(2).lower())
    if not match or unit is None:
        raise ValueError(f"{text!r} is not {SIZE_HINT}")
    size = int(float(match.group(1)) * unit)
    if size < minimum:
        what = "the analyzer alone needs" if minimum == MIN_MEMORY else "the least is"
        raise ValueError(f"{text!r} is too little: {what} {format_size(minimum)}")
    return size


def format_size(nbytes: float) -> str:
    """'3.2 GiB', '256 MiB': three significant digits in the largest binary unit that fits."""
    for unit in ("TiB", "GiB", "MiB", "KiB"):
        scale = 2 ** (10 * ("KMGT".index(unit[0]) + 1))
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{int(nbytes)} B"


def total_memory() -> int:
    """MemTotal of this machine in bytes."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def default_memory(workers: int = 1) -> int:
    """Half of the machine's RAM, shared by the ``workers`` probes that run side by side."""
    return max(MIN_MEMORY, int(total_memory() * RAM_SHARE) // max(1, workers))


def declared_memory(path: Path) -> int | None:
    """The ``MEMORY = "4GiB"`` a probe file states (read without running it), or None.

    Raises ValueError naming the file and line when the value is not a size.
    """
    from analyzer.probe import declared_constant
    found = declared_constant(path, "MEMORY")
    if found is None:
        return None
    value, line = found
    if not isinstance(value, str):
        raise ValueError(f"{path}:{line}: MEMORY must be a string such as \"4GiB\", not {value!r}")
    try:
        return parse_size(value)
    except ValueError as e:
        raise ValueError(f"{path}:{line}: MEMORY {e}") from None
