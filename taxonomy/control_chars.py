"""Control characters in untrusted text: find them, and write them out so a terminal shows them.

Text from catalog files, file names and command lines can hold escapes (`\\x1b]0;title\\x07`
sets a terminal's title, `\\x1b]52` writes its clipboard) and bidirectional overrides that hide
text. The reader refuses them in entries; everything printed passes through `visible`.

>>> visible("a\\x1b]0;owned\\x07b"), one_line("two\\nlines")
('a\\\\x1b]0;owned\\\\x07b', 'two\\\\nlines')
"""
from __future__ import annotations

import re

# C0 (but tab and newline), DEL, C1, and the bidirectional embeddings, overrides and isolates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """`text` with every control character written out as `\\x1b` or `\\u202e`; tab and newline kept."""
    return CONTROL.sub(_escape, text)


def one_line(text: str) -> str:
    """`visible(text)` with line breaks written out too: one message, one line."""
    return visible(text).replace("\n", "\\n")
