"""What an entry file answers to (its id, name and aliases), read without parsing the whole file.

The lookup index needs three top-level fields of every file, not the file. When every line that
starts in column 0 is a comment or a plain `key:` line, each top-level field is the text from its
key line to the next such line, and only the `id`, `name` and `aliases` blocks are parsed, by
the same safe reader as everything else. Anything else (a repeated field, `---`, a key in
quotes, a block list at column 0, a line break other than `\\n`) is read whole. The index only
names candidates, and a hit is confirmed against the whole file, so a file this reads as an
entry although it is not (it fails further down) costs time, never a wrong answer.

>>> fields_of("# comment\\nid: fft\\nname: Fast Fourier Transform\\ntags: [a]\\naliases: [FFT]\\n")
{'id': 'fft', 'name': 'Fast Fourier Transform', 'aliases': ['FFT']}
>>> fields_of("id: fft\\nid: again\\n") is None   # repeated: only the whole file can say
True
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from .lookup import keys_of

WANTED = ("id", "name", "aliases")
_COLUMN_ZERO = re.compile(r"^[^ \t#\n].*", re.M)          # lines that end the field before them
_PLAIN_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?:\s|$)")
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")         # line breaks the scan does not split at


def fields_of(text: str) -> dict | None:
    """`id`, `name` and `aliases` of an entry's text, or None when only a full read can tell."""
    text = text.replace("\r\n", "\n")
    if _OTHER_BREAKS.search(text):
        return None
    starts: dict[str, int] = {}
    lines = list(_COLUMN_ZERO.finditer(text))
    blocks = []
    for number, line in enumerate(lines):
        key = _PLAIN_KEY.match(line.group())
        if key is None:
            return None
        name = key.group(1)
        if name in WANTED:
            if name in starts:
                return None
            starts[name] = line.start()
            end = lines[number + 1].start() if number + 1 < len(lines) else len(text)
            blocks.append(text[line.start():end])
    if "id" not in starts:
        return None
    from .yaml_source import YamlError, parse_text

    try:
        data = parse_text("".join(block if block.endswith("\n") else block + "\n" for block in blocks), "")
    except YamlError:
        return None
    return data.data if isinstance(data.data, dict) else None


def _read_fields(path: Path) -> dict | None:
    """The fields of one file: from its top-level lines when they suffice, else from a full read."""
    from .yaml_source import YamlError, read_bytes, read_document

    try:
        fields = fields_of(read_bytes(path).decode("utf-8-sig"))
    except (YamlError, UnicodeDecodeError):
        return None  # the full read refuses it too: not an entry
    if fields is None:
        document = read_document(path)
        fields = getattr(document, "data", None)
    return fields if isinstance(fields, dict) else None


def answers(paths: Sequence[Path]) -> list[tuple[str, str, list[str]] | None]:
    """For each file: (id = file stem, name, normalized keys it answers to), or None if no entry.

    >>> import tempfile; folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "kv-cache.yaml").write_text("id: kv-cache\\nname: KV cache\\naliases: [key-value cache]\\n")
    >>> answers([folder / "kv-cache.yaml", folder / "missing.yaml"])
    [('kv-cache', 'KV cache', ['kvcache', 'keyvaluecache']), None]
    """
    out: list[tuple[str, str, list[str]] | None] = []
    for path in paths:
        data = _read_fields(path)
        if data is None or not isinstance(data.get("id"), str):
            out.append(None)
            continue
        name = str(data.get("name", ""))
        aliases = data.get("aliases") if isinstance(data.get("aliases"), list) else []
        out.append((path.stem, name, keys_of(path.stem, name, map(str, aliases))))
    return out
