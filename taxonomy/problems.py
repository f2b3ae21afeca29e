"""Problems found in catalog files: values, never exceptions.

Every loader and check returns a list of `Problem`; only the CLI turns them into an exit code.
"""
from __future__ import annotations

from dataclasses import dataclass

from .control_chars import one_line


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, e.g. `catalog/fft.yaml:3:11: unknown category 'cache'`."""

    path: str
    line: int | None
    col: int | None
    message: str

    def __str__(self) -> str:
        """One line, control characters written out: paths and messages quote untrusted text."""
        path, message = one_line(self.path), one_line(self.message)
        if self.line is None:
            return f"{path}: {message}"
        return f"{path}:{self.line}:{self.col or 1}: {message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "col": self.col, "message": self.message}
