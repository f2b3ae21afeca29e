"""A light terminal renderer for entry cards: ANSI colours, wrapping, no heavy imports.

Rich draws taxo's tables; entry cards (`classify`, `show`) are drawn here because importing
Rich costs more than the whole start-up budget of `taxo classify`. Colour only on a terminal,
never when NO_COLOR is set or output is piped, so piped output is plain and stable.
"""
from __future__ import annotations

import os
import shutil
import sys
import textwrap



def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty() and os.environ.get("TERM") != "dumb"


def width(stream=None) -> int:
    stream = stream or sys.stdout
    if hasattr(stream, "isatty") and stream.isatty():
        return max(40, min(shutil.get_terminal_size((100, 24)).columns, 100))
    return 80


class Card:
    """Builds an entry card line by line: `card.heading(...)`, `card.paragraph(...)`, `str(card)`."""

    def __init__(self, color: bool, columns: int):
        self.color, self.columns, self.lines = color, columns, []

    def style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def badge(self, category: str) -> str:
        from .categories import ansi_code  # colours live in categories.yaml

        return self.style(category, "1;" + ansi_code(category))

    def title(self, name: str, ident: str, category: str) -> None:
        rule = "─" * max(0, self.columns - len(name) - len(ident) - len(category) - 9)
        self.lines.append(f"{self.style(name, '1')} ({ident}) {self.style(rule, '2')} {self.badge(category)}")

    def heading(self, text: str) -> None:
        self.lines += ["", self.style(text, "1;4")]

    def paragraph(self, text: str, indent: int = 2) -> None:
        """Re-wrap prose, keeping blank-line paragraph breaks and indented code lines as they are."""
        pad = " " * indent
        for block in text.strip().split("\n\n"):
            if any(line.startswith("    ") for line in block.splitlines()):
                self.lines += [pad + line for line in block.splitlines()]
            else:
                self.lines += [pad + line for line in _wrap(block, self.columns - indent)] or [""]
            self.lines.append("")
        if self.lines and self.lines[-1] == "":
            self.lines.pop()

    def item(self, label: str, text: str, indent: int = 2) -> None:
        """A hanging-indent list item: `• caching — the argument…`."""
        lead = " " * indent + "• " + (f"{label} — " if label else "")
        wrapped = _wrap(text, self.columns - len(_plain(lead)))
        rest = _wrap(" ".join(wrapped[1:]), self.columns - indent - 4)
        self.lines.append(lead + (wrapped[0] if wrapped else ""))
        self.lines += [" " * (indent + 4) + line for line in rest]

    def field(self, label: str, value: str, indent: int = 2) -> None:
        lead = " " * indent + f"{label:<12}"
        wrapped = _wrap(value, self.columns - len(lead)) or [""]
        self.lines.append(self.style(lead, "2") + wrapped[0] if self.color else lead + wrapped[0])
        self.lines += [" " * len(lead) + line for line in wrapped[1:]]

    def verbatim(self, text: str, indent: int = 4) -> None:
        self.lines += [" " * indent + line for line in text.rstrip("\n").splitlines()]

    def __str__(self) -> str:
        return "\n".join(self.lines) + "\n"


def _wrap(text: str, columns: int) -> list[str]:
    """Wrap prose without splitting hyphenated ids across lines."""
    return textwrap.wrap(" ".join(text.split()), max(20, columns), break_on_hyphens=False,
                         break_long_words=False)


def _plain(text: str) -> str:
    """Text without ANSI escapes, for measuring its printed width."""
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)
