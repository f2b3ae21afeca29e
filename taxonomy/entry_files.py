"""Which files of a catalog directory are entries, and which are refused (and why).

An entry is a regular file named `<id>.yaml` inside the catalog. Every reader (the lookup index,
the loader, validate) takes its files from here, so none of them can be sent to `/dev/zero`, a
FIFO or a file outside the catalog by a symbolic link. `.yml` is refused with a message that says
to rename it: one extension keeps `<id>.yaml` lookups, editor schema mappings and the id = file
name rule simple.

>>> refusal(Path("catalog/fft.yml"), Path("catalog"))
'entry files end in .yaml; rename it to fft.yaml'
"""
from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from .problems import Problem

SUFFIX = ".yaml"
_LOOKS_LIKE_YAML = (".yaml", ".yml")


def refusal(path: Path, root: Path) -> str | None:
    """Why `path` cannot be read as an entry of the catalog at `root`, or None when it can."""
    if path.suffix != SUFFIX:
        return f"entry files end in {SUFFIX}; rename it to {path.stem}{SUFFIX}"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        broken = os.path.islink(path)
        return "symbolic link leads nowhere; remove it" if broken else f"cannot read file: {exc.strerror or exc}"
    if not stat.S_ISREG(mode):
        return f"not a regular file ({special_kind(mode)}); an entry must be a plain file"
    if os.path.islink(path):
        inside = Path(os.path.realpath(root))
        if inside not in Path(os.path.realpath(path)).parents:
            return "symbolic link leads outside the catalog; copy the file in instead"
    return None


def special_kind(mode: int) -> str:
    """`a directory`, `a FIFO`, `a device` …: what a non-regular file is, for a message."""
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a special file"


def catalog_files(root: Path, label: Callable[[Path], str] = str) -> tuple[list[Path], list[Problem]]:
    """(entry files, one Problem per refused file) of the catalog at `root`, sorted by name.

    Files that do not look like YAML (`README.md`) are neither entries nor refused.
    """
    files, refused = [], []
    for path in sorted(root.iterdir(), key=lambda p: os.path.normcase(p.name)):  # as Paths sort, faster
        if path.suffix.lower() not in _LOOKS_LIKE_YAML:
            continue
        reason = refusal(path, root)
        if reason is None:
            files.append(path)
        else:
            refused.append(Problem(label(path), None, None, reason))
    return files, refused
