"""The rendered site's folder: written aside, then swapped in whole.

A render that fails half-way (or is interrupted) leaves the previous site as it was, and a
render that succeeds leaves no page of a deleted entry behind. Only a folder that is empty or
that taxo render wrote (it holds the marker file) is ever replaced, so `--out ~` cannot wipe a
home directory.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

MARKER = ".taxo-site"


def new_site_folder(target: Path) -> Path:
    """A fresh folder beside `target` (same file system, so the swap is a rename) to render into.

    Raises OSError when `target` exists and is not a folder taxo may replace.
    """
    target = Path(target)
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise FileExistsError(errno.EEXIST, "it exists and is not a folder; choose another path")
        if any(target.iterdir()) and not (target / MARKER).is_file():
            raise FileExistsError(errno.ENOTEMPTY, "it holds files that taxo render did not write; "
                                                   "choose an empty or new folder")
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.rendering-", dir=parent))


def replace_folder(rendered: Path, target: Path) -> None:
    """Put `rendered` where `target` is, removing the old `target` only once the new one stands."""
    target = Path(target)
    os.chmod(rendered, 0o755)  # mkdtemp makes it private; a site is for reading
    if not target.exists():
        os.rename(rendered, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.absolute().parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(rendered, target)
    except OSError:
        os.rename(old, target)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)
