"""Read one YAML file into plain data, remembering where every value came from.

PyYAML composes the node tree (in C where libyaml is present); we build the Python values
ourselves so that nothing surprising happens:

- no tags are honoured beyond plain YAML types (``!!python/object/apply:…`` is refused, never run);
- plain scalars follow the YAML 1.2 core schema: ``no``, ``on``, ``yes`` and dates stay strings,
  ``0755`` stays the string the contributor typed instead of becoming octal 493;
- anchors/aliases (the "billion laughs" bomb), deep nesting and huge files stop the reading
  of a file; duplicate keys, tags, merge keys and control characters inside strings are recorded
  in `Document.problems` and reading goes on, so one run reports every problem of a file;
- no string holds a control character: each is recorded as a problem and made visible (`\\x1b`),
  so nothing read here can rewrite a terminal;
- only regular files are read, and at most MAX_BYTES of them (a FIFO or /dev/zero cannot hang it).

>>> doc = parse_text("id: fft\\ntags: [a, b]\\n", "fft.yaml")
>>> doc.data, doc.where(("tags", 1))
({'id': 'fft', 'tags': ['a', 'b']}, (2, 11))
"""
from __future__ import annotations

import operator
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
import yaml.cyaml  # noqa: F401 - libyaml bindings, when present
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .control_chars import CONTROL as _CONTROL, visible
from .entry_files import special_kind
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
_NUMBER_START = frozenset("+-.0123456789")  # every number pattern below starts with one of these
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}

Path_ = tuple  # a JSON path: keys and list indices


class YamlError(Exception):
    """A problem that stops reading this file; carries the position."""

    def __init__(self, message: str, line: int | None = None, col: int | None = None):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


@dataclass
class Document:
    """A file's data plus the (line, col) of every value and every mapping key in it.

    A document read by the fast path (`parse_data`) keeps its text instead, and finds the
    positions by the full walk the first time `where` asks: only a file with a problem needs them.
    """

    data: Any
    value_nodes: dict[Path_, Node] = field(default_factory=dict)
    key_nodes: dict[Path_, Node] = field(default_factory=dict)
    problems: list[YamlError] = field(default_factory=list)  # found while reading; reading went on
    unplaced_text: str | None = field(default=None, repr=False)  # positions not read yet

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Position of the value at `path` (or of its key), falling back to the nearest parent."""
        if self.unplaced_text is not None:
            placed = parse_text(self.unplaced_text, "")
            self.value_nodes, self.key_nodes, self.unplaced_text = placed.value_nodes, placed.key_nodes, None
        path = tuple(path)
        if key and path in self.key_nodes:
            return _mark(self.key_nodes[path])
        while path and path not in self.value_nodes:
            path = path[:-1]
        return _mark(self.value_nodes[path]) if path in self.value_nodes else (1, 1)


class _Resolver(yaml.resolver.BaseResolver):
    """Marks plain scalars instead of guessing YAML 1.1 types; we type them ourselves."""

    def resolve(self, kind, value, implicit):  # noqa: D102 - PyYAML hook
        if kind is ScalarNode:  # what BaseResolver answers when no resolver is registered, inlined
            return PLAIN if implicit[0] else self.DEFAULT_SCALAR_TAG
        return self.DEFAULT_SEQUENCE_TAG if kind is SequenceNode else self.DEFAULT_MAPPING_TAG

    # PyYAML calls these around every node, for path resolvers, which taxo never registers:
    # builtins taking the same arguments do nothing faster than the inherited methods.
    descend_resolver = staticmethod(operator.is_)  # (parent, index)
    ascend_resolver = staticmethod(tuple)  # ()


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
    if text[0] not in _NUMBER_START:  # most values are words: skip the three patterns
        return text
    if _INT.match(text):
        return int(text) if len(text) <= MAX_DIGITS else text
    if _LEADING_ZERO.match(text):  # YAML 1.1 octal (0755 -> 493): keep what was typed
        return text
    if _FLOAT.match(text):  # the pattern requires a digit
        return float(text)
    return text


class _Builder:
    """Walks the node tree once, building values and recording positions.

    What can be read past (a tag, a repeated key, a control character) is recorded in
    `doc.problems` and reading goes on; only aliases and depth stop it.
    """

    def __init__(self, doc: Document):
        self.doc = doc
        self.seen: set[int] = set()

    def note(self, message: str, node: Node) -> None:
        self.doc.problems.append(YamlError(message, *_mark(node)))

    def build(self, node: Node, path: Path_ = (), depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise YamlError(f"nesting deeper than {MAX_DEPTH} levels; flatten the entry", *_mark(node))
        if id(node) in self.seen:
            raise YamlError(ALIAS_MESSAGE, *_mark(node))
        self.seen.add(id(node))
        self.doc.value_nodes[path] = node
        if node.tag not in _STANDARD_TAGS and node.tag != PLAIN:
            self.note(f"tag {visible(node.tag)!r} is not allowed; remove it (only plain YAML values are read)", node)
        elif node.tag in _KIND_OF_TAG and not isinstance(node, _KIND_OF_TAG[node.tag]):
            self.note(f"{_what(node)} is not a valid {_short(node.tag)}; remove the tag !!{_short(node.tag)}", node)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        if isinstance(node, SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._mapping(node, path, depth)

    def _scalar(self, node: ScalarNode) -> Any:
        quoted_text = node.tag not in _SCALAR_TYPES and node.tag != PLAIN and node.style in ("'", '"', "|", ">")
        if node.tag == "tag:yaml.org,2002:str" or quoted_text:
            value: Any = node.value
        else:
            value = plain_scalar(node.value)
        expected = _SCALAR_TYPES.get(node.tag)
        if expected is not None:  # explicit !!int, !!bool ...: must really be one
            if not isinstance(value, expected):
                self.note(f"{visible(node.value)!r} is not a valid {_short(node.tag)}", node)
            elif node.tag.endswith("float"):
                value = float(value)
        return self._text(value, node) if isinstance(value, str) else value

    def _text(self, text: str, node: Node) -> str:
        bad = _CONTROL.search(text)
        if bad is None:
            return text
        self.note(f"text holds the control character U+{ord(bad.group()):04X} (an escape such as \\e or \\a); "
                  "remove it", node)
        return visible(text)

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.note("mapping keys must be plain words", key_node)
                continue
            if key_node.tag not in (PLAIN, "tag:yaml.org,2002:str"):
                self.note(f"tag {visible(key_node.tag)!r} is not allowed on a key; remove it", key_node)
            key = self._text(key_node.value, key_node)
            if key == "<<":
                self.note("merge keys (<<) are not allowed; write the fields out", key_node)
                continue
            if key in result:
                first = _mark(self.doc.key_nodes[path + (key,)])[0]
                self.note(f"duplicate key '{key}' (first set on line {first}); keep one", key_node)
                continue
            self.doc.key_nodes[path + (key,)] = key_node
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result


_KIND_OF_TAG = {"tag:yaml.org,2002:seq": SequenceNode, "tag:yaml.org,2002:map": MappingNode,
                **{t: ScalarNode for t in _STANDARD_TAGS if not t.endswith(("seq", "map"))}}
_SCALAR_TYPES = {"tag:yaml.org,2002:int": int, "tag:yaml.org,2002:float": (int, float),
                 "tag:yaml.org,2002:bool": bool, "tag:yaml.org,2002:null": type(None)}


def _short(tag: str) -> str:
    return tag.rsplit(":", 1)[-1]


def _what(node: Node) -> str:
    """How a node reads in a message: `'abc'`, `a list`, `a mapping`."""
    if isinstance(node, ScalarNode):
        return repr(visible(node.value[:40]))
    return "a list" if isinstance(node, SequenceNode) else "a mapping"


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


_OPENERS = {"while parsing a flow sequence": "[", "while parsing a flow mapping": "{"}


def _located(exc: yaml.MarkedYAMLError) -> YamlError:
    """The parser's error at the place to fix: an unclosed bracket or quote where it opened."""
    reason = "; ".join(part for part in (exc.context, exc.problem) if part) or "invalid YAML"
    opener, start, stop = _OPENERS.get(exc.context or ""), exc.context_mark, exc.problem_mark
    if opener and start is not None and stop is not None and "did not find expected" in (exc.problem or ""):
        closer = "]" if opener == "[" else "}"
        return YamlError(f"invalid YAML: this {opener} is not closed (the parser reached line {stop.line + 1}, "
                         f"column {stop.column + 1} without finding {closer}); close it or remove it",
                         start.line + 1, start.column + 1)
    # An unterminated quote is best shown where it starts; anything else where it broke.
    at_start = start is not None and "end of stream" in (exc.problem or "")
    mark = start if at_start else (stop or start)
    if mark is None:
        return YamlError(f"invalid YAML: {reason}")
    return YamlError(f"invalid YAML: {reason}", mark.line + 1, mark.column + 1)


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
        # an alias needs an anchor: Markdown's *emphasis* alone does not cost a second parse
        if _maybe_deep(text) or ("&" in text and _ALIAS.search(text)):
            _check_events(text)
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise _located(exc) from None
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


# The fast path guards only the composer's C stack (as _LONG_BLOCK_PREFIX does, with room to
# spare): a file nesting deeper than MAX_DEPTH within this bound is composed, then handed to the
# full walk, which reports it. Anchored on a newline, the search skips to line starts at C speed.
_VERY_LONG_BLOCK_PREFIX = re.compile(r"\n(?:[ \t]|[-?:](?=[ \t]|$)|[&!]\S*(?!\S)){%d,}" % (4 * MAX_DEPTH), re.M)
# Characters the full walk has something to say about: outside YAML's printable set, or a
# control character (tab and newline aside). A file without any needs no check per string.
_UNUSUAL_CHAR = re.compile("[^\t\n\x20-\x7e\xa0-\u2029\u202f-\u2065\u206a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SEQ, _MAP, _STR = "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map", "tag:yaml.org,2002:str"


class _Unusual(Exception):
    """The fast path met something only the full walk reports or types: a tag, an alias, a
    repeated or merge key, a control character, deep nesting, a parse error."""


def _plain_value(node: Node, depth: int, check_text: bool, seen: set[int] | None) -> Any:
    """The value of `node` when it holds nothing unusual (the full walk would note nothing)."""
    if seen is not None:  # an alias is the anchored node met a second time
        if id(node) in seen:
            raise _Unusual
        seen.add(id(node))
    kind, tag = node.__class__, node.tag
    if kind is ScalarNode:
        if tag == PLAIN:
            value = plain_scalar(node.value)
            if value.__class__ is not str:
                return value
        elif tag == _STR:
            value = node.value
        else:
            raise _Unusual
        if check_text and _CONTROL.search(value):
            raise _Unusual
        return value
    if depth >= MAX_DEPTH:  # its items would be deeper than MAX_DEPTH
        raise _Unusual
    if kind is SequenceNode and tag == _SEQ:
        return [_plain_value(item, depth + 1, check_text, seen) for item in node.value]
    if kind is not MappingNode or tag != _MAP:
        raise _Unusual
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value
        if key_node.__class__ is not ScalarNode or key_node.tag not in (PLAIN, _STR) or key == "<<" \
                or key in result or (check_text and _CONTROL.search(key)):
            raise _Unusual
        if seen is not None:
            if id(key_node) in seen:
                raise _Unusual
            seen.add(id(key_node))
        result[key] = _plain_value(value_node, depth + 1, check_text, seen)
    return result


def parse_data(text: str, label: str) -> Document:
    """`parse_text`, faster for a file without problems: the same data, the same errors.

    Values are built from libyaml's node tree without recording positions; the Document
    finds them when first asked (`Document.where`). A file with anything unusual — an error,
    a tag, an alias, a repeated key, a control character, deep nesting — is read by
    `parse_text` itself, so every message and position is the full walk's.

    >>> parse_data("on: no\\nwhen: 2024-01-01\\n", "x.yaml").data
    {'on': 'no', 'when': '2024-01-01'}
    """
    if _UNUSUAL_CHAR.search(text) or (text.count("[") + text.count("{") > MAX_DEPTH) \
            or _VERY_LONG_BLOCK_PREFIX.search("\n" + text):
        return parse_text(text, label)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _Unusual
        # No & means no anchor, so every alias is undefined and failed above; with no control
        # character in the text, only an escape (which needs a backslash) can put one in a string.
        data = _plain_value(node, 0, "\\" in text, set() if "&" in text else None)
    except (_Unusual, yaml.YAMLError, RecursionError):
        return parse_text(text, label)
    finally:
        loader.dispose()
    return Document(data, unplaced_text=text)


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; raise YamlError for anything else.

    Opened without blocking (a FIFO would otherwise hang here) and checked on the open handle,
    so a special file swapped in after a check is refused too; reads at most MAX_BYTES + 1.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        raise YamlError(f"cannot read file: {exc.strerror or exc}") from None
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            raise YamlError(f"not a regular file ({special_kind(info.st_mode)}); an entry must be a plain file")
        if info.st_size > MAX_BYTES:
            raise YamlError(f"file is {info.st_size:,} bytes, over the {MAX_BYTES:,}-byte limit for an entry")
        chunks, size = [], 0
        while size <= MAX_BYTES and (chunk := os.read(handle, MAX_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise YamlError(f"cannot read file: {exc.strerror or exc}") from None
    finally:
        os.close(handle)
    if size > MAX_BYTES:  # it grew while we read it
        raise YamlError(f"file is over {MAX_BYTES:,} bytes, over the {MAX_BYTES:,}-byte limit for an entry")
    return b"".join(chunks)


def read_document(path: Path, label: str | None = None) -> Document | Problem:
    """Read and parse one file. Returns the Document, or one Problem saying what stops it.

    Problems that did not stop the reading are in the Document's `problems`.
    """
    label = label or str(path)
    try:
        raw = read_bytes(path)
    except YamlError as exc:
        return Problem(label, None, None, exc.message)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return Problem(label, line, col, "file is not UTF-8 text; save it as UTF-8")
    for number, line in enumerate(text.splitlines() if "\t" in text else (), 1):
        if "\t" in line[: len(line) - len(line.lstrip())]:
            return Problem(label, number, 1, "tab used for indentation; indent with spaces")
    try:
        return parse_data(text, label)
    except YamlError as exc:
        return Problem(label, exc.line, exc.col, exc.message)
    except Exception as exc:  # a reader bug must not become a traceback; the fuzz tests look for this
        return Problem(label, None, None, f"internal error while reading this file ({type(exc).__name__}); "
                                          "please report it with the file")


def document_problems(document: Document, label: str) -> list[Problem]:
    """The problems found while reading `document`, as Problems of the file `label`."""
    return [Problem(label, e.line, e.col, e.message) for e in document.problems]
