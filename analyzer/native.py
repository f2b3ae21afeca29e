"""The analyzer's optional compiled parts, and whether this process may use them.

``load("_recorder")`` and ``load("_kernels")`` are the extension modules built from
``analyzer/_recorder.c`` and ``analyzer/_kernels.c`` by the install (``hatch_build.py``), or
``None`` when
- it was not built (no C compiler where taxo was installed),
- its C file changed since it was built (a stale build would do what the source no longer
  says: rebuild with ``python hatch_build.py`` or reinstall), or
- the environment sets ``TAXO_PURE_TRACER=1``: the pure-Python tracer and the numpy passes,
  what a machine without a compiler runs (the tests compare the two that way).
"""
from __future__ import annotations

import hashlib
import importlib
import os
import warnings
from pathlib import Path
from types import ModuleType

ENVIRONMENT = "TAXO_PURE_TRACER"


def load(name: str) -> ModuleType | None:
    """The current build of ``analyzer.<name>``, or None (see the module docstring)."""
    if os.environ.get(ENVIRONMENT, "") not in ("", "0"):
        return None
    try:
        module = importlib.import_module(f"analyzer.{name}")
    except ImportError:
        return None
    source = Path(__file__).with_name(f"{name}.c")
    if source.exists() and hashlib.sha256(source.read_bytes()).hexdigest() != module.SOURCE_DIGEST:
        warnings.warn(f"{source} changed since it was compiled: the analyzer uses its pure-Python form "
                      "(same measurements, slower); rebuild with `python hatch_build.py`", stacklevel=3)
        return None
    return module
