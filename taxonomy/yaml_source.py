"""Read one YAML file into plain data, remembering where every value came from.

PyYAML composes the node tree (in C where libyaml is present); we build the Python values
ourselves so that nothing surprising happens:

- no tags are honoured beyond plain YAML types (``!!python/object/apply:…`` is refused, never run);
- plain scalars follow the YAML 1.2 core schema: ``no``, ``on``, ``yes`` and dates stay strings,
  ``0755`` stays the string the contributor typed instead of becoming octal 493;
- duplicate keys, anchors/aliases (the "billion laughs" bomb), deep nesting and huge files
  are reported as problems.

>>> doc = parse_text("id: fft\\ntags: [a, b]\\n", "fft.yaml")
>>> doc.data, doc.where(("tags", 1))
({'id': 'fft', 'tags': ['a', 'b']}, (2, 11))
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.cyaml  # noqa: F401 - libyaml bindings, when present
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem

MAX_BYTES = 256 * 1024
MAX_DEPTH = 32
MAX_DIGITS = 30  # longer digit strings stay text: no entry needs them, and int() of huge ones is slow
PLAIN = "taxo:plain"
ALIAS_MESSAGE = "anchors and aliases (&name / *name) are not allowed; write the value out"
_STANDARD_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}
_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+$")
# YAML's printable set; surrogates (from a broken decoder) are outside it as well.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}

Path_ = tuple  # a JSON path: keys and list indices


class YamlError(Exception):
    """A problem that stops reading this file; carries the position."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@dataclass
class Document:
    """A file's data plus the (line, col) of every value and every mapping key in it."""

    data: Any
    value_nodes: dict[Path_, Node] = field(default_factory=dict)
    key_nodes: dict[Path_, Node] = field(default_factory=dict)

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at `path` (or of its key), falling back to the nearest parent."""
        path = tuple(path)
        if key and path in self.key_nodes:
            return _mark(self.key_nodes[path])
        while path and path not in self.value_nodes:
            path = path[:-1]
        return _mark(self.value_nodes[path]) if path in self.value_nodes else (1, 1)


class _Resolver(yaml.resolver.BaseResolver):
    """Marks plain scalars instead of guessing YAML 1.1 types; we type them ourselves."""

    def resolve(self, kind, value, implicit):  # noqa: D102 - PyYAML hook
        if kind is ScalarNode and implicit[0]:
            return PLAIN
        return super().resolve(kind, value, implicit)


if getattr(yaml, "__with_libyaml__", False):
    class _Loader(yaml.cyaml.CParser, _Resolver):  # type: ignore[misc]
        def __init__(self, text: str):
            yaml.cyaml.CParser.__init__(self, text)
            _Resolver.__init__(self)
else:  # pragma: no cover - pure-Python PyYAML
    class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,  # type: ignore[no-redef]
                  yaml.composer.Composer, _Resolver):
        def __init__(self, text: str):
            yaml.reader.Reader.__init__(self, text)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Resolver.__init__(self)


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def plain_scalar(text: str) -> Any:
    """Type a plain scalar by the YAML 1.2 core schema, minus octal/hex/sexagesimal surprises."""
    if text in _NULLS:
        return None
    if text in _BOOLS:
        return _BOOLS[text]
    if _INT.match(text):
        return int(text) if len(text) <= MAX_DIGITS else text
    if _LEADING_ZERO.match(text):  # YAML 1.1 octal (0755 -> 493): keep what was typed
        return text
    if _FLOAT.match(text):  # the pattern requires a digit
        return float(text)
    return text


class _Builder:
    """Walks the node tree once, building values and recording positions."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.seen: set[int] = set()

    def build(self, node: Node, path: Path_ = (), depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels; flatten the entry", *_mark(node))
        if id(node) in self.seen:
            raise YamlError(ALIAS_MESSAGE, *_mark(node))
        self.seen.add(id(node))
        self.doc.value_nodes[path] = node
        if node.tag not in _STANDARD_TAGS and node.tag != PLAIN:
            raise YamlError(f"tag {node.tag!r} is not allowed; remove it (only plain YAML values are read)",
                            *_mark(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._mapping(node, path, depth)

    def _scalar(self, node: ScalarNode) -> Any:
        if node.tag == PLAIN:
            return plain_scalar(node.value)
        if node.tag == "tag:yaml.org,2002:str":
            return node.value
        value = plain_scalar(node.value)  # explicit !!int, !!bool ...: must really be one
        expected = {"tag:yaml.org,2002:int": int, "tag:yaml.org,2002:float": (int, float),
                    "tag:yaml.org,2002:bool": bool, "tag:yaml.org,2002:null": type(None)}[node.tag]
        if not isinstance(value, expected):
            raise YamlError(f"{node.value!r} is not a valid {node.tag.rsplit(':', 1)[-1]}", *_mark(node))
        return float(value) if node.tag.endswith("float") else value

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlError("mapping keys must be plain words", *_mark(key_node))
            if key_node.tag not in (PLAIN, "tag:yaml.org,2002:str"):
                raise YamlError(f"tag {key_node.tag!r} is not allowed on a key; remove it", *_mark(key_node))
            key = key_node.value
            if key == "<<":
                raise YamlError("merge keys (<<) are not allowed; write the fields out", *_mark(key_node))
            if key in result:
                first = _mark(self.doc.key_nodes[path + (key,)])[0]
                raise YamlError(f"duplicate key '{key}' (first set on line {first}); keep one", *_mark(key_node))
            self.doc.key_nodes[path + (key,)] = key_node
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result


def _too_deep_flow(text: str) -> int | None:
    """Offset of the first [ or { that nests deeper than MAX_DEPTH (quotes ignored: an upper bound)."""
    depth = 0
    for offset, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return offset
        elif char in "]}":
            depth = max(0, depth - 1)
    return None


# A line starting with many spaces, block indicators (- ? :) or node properties (&anchor !tag):
# block nesting needs at least one of them per two levels, so without such a line it is shallow.
_LONG_BLOCK_PREFIX = re.compile(r"^(?:[ \t]|[-?:](?=[ \t]|$)|[&!]\S*(?!\S)){%d,}" % (MAX_DEPTH // 2 + 1), re.M)


def _maybe_deep(text: str) -> bool:
    """Cheap test: could block nesting go deeper than MAX_DEPTH? (False means surely not.)"""
    return _LONG_BLOCK_PREFIX.search(text) is not None


_ALIAS = re.compile(r"(?:^|[\s\[{,:])\*[^\s*]")  # a *name token, not Markdown's **bold**


def _check_events(text: str) -> None:
    """Refuse deep nesting and aliases from the parser's events, before anything composes them.

    The composer (Cython, when libyaml is present) recurses once per level and can overflow the
    C stack on `- - - - … x`; the event parser keeps an explicit stack and is safe to run. An
    alias is reported where it is used (`*name`), which the composed tree no longer shows.
    """
    parser = _Loader(text)
    depth = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, yaml.AliasEvent):
                raise YamlError(ALIAS_MESSAGE, *_mark(event))
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlError(f"nesting deeper than {MAX_DEPTH} levels; flatten the entry",
                                    *_mark(event))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.StreamEndEvent):
                break
    finally:
        parser.dispose()


def parse_text(text: str, label: str) -> Document:
    """Parse YAML text; raise YamlError with a position on anything we refuse."""
    bad = _NOT_PRINTABLE.search(text)
    if bad:  # the parser would refuse it too, but without saying where
        line = text.count("\n", 0, bad.start()) + 1
        col = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise YamlError(f"control character U+{ord(bad.group()):04X} is not allowed in YAML; remove it", line, col)
    # Deep [ { nesting is refused before any parser sees it (libyaml's own limit differs by version).
    deep = _too_deep_flow(text) if text.count("[") + text.count("{") > MAX_DEPTH else None
    if deep is not None:
        line = text.count("\n", 0, deep) + 1
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels; flatten the entry", line,
                        deep - (text.rfind("\n", 0, deep) + 1) + 1)
    loader = _Loader(text)
    try:
        if _maybe_deep(text) or _ALIAS.search(text):
            _check_events(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        # An unterminated construct is best shown where it starts; anything else where it broke.
        at_start = exc.context_mark is not None and "end of stream" in (exc.problem or "")
        mark = exc.context_mark if at_start else (exc.problem_mark or exc.context_mark)
        reason = "; ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
        if mark is None:
            raise YamlError(f"invalid YAML: {reason}") from None
        raise YamlError(f"invalid YAML: {reason}", mark.line + 1, mark.column + 1) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise YamlError(f"nesting deeper than {MAX_DEPTH} levels; flatten the entry") from None
    finally:
        loader.dispose()
    doc = Document(data=None)
    if node is None:
        raise YamlError("the file is empty; start from `taxo new NAME`")
    doc.data = _Builder(doc).build(node)
    return doc


def read_document(path: Path, label: str | None = None) -> Document | Problem:
    """Read and parse one file. Returns the Document, or one Problem saying what is wrong."""
    label = label or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return Problem(label, None, None, f"file is {size:,} bytes, over the {MAX_BYTES:,}-byte limit for an entry")
        raw = path.read_bytes()
    except OSError as exc:
        return Problem(label, None, None, f"cannot read file: {exc.strerror or exc}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Problem(label, line, col, "file is not UTF-8 text; save it as UTF-8")
    for number, line in enumerate(text.splitlines(), 1):
        if "\t" in line[: len(line) - len(line.lstrip())]:
            return Problem(label, number, 1, "tab used for indentation; indent with spaces")
    try:
        return parse_text(text, label)
    except YamlError as exc:
        return Problem(label, exc.line, exc.col, exc.message)
