"""Check one entry against the JSON Schema and say, in plain words, where and what to fix."""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from typing import Any

from .paths import SCHEMA_PATH
from .problems import Problem
from .yaml_source import Document

_TYPE_WORDS = {"string": "text", "array": "a list", "object": "a mapping of fields",
               "integer": "a whole number", "boolean": "true or false", "number": "a number"}


@lru_cache(maxsize=1)
def entry_schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    import jsonschema  # heavy: imported only when validating

    return jsonschema.Draft7Validator(entry_schema())


@lru_cache(maxsize=1)
def _quick_check():
    """A compiled yes/no check (fastjsonschema, ~20x faster); jsonschema then explains failures."""
    try:
        import fastjsonschema
    except ImportError:  # optional speed-up
        return None
    return fastjsonschema.compile(entry_schema()), fastjsonschema.JsonSchemaException


def _field(path: tuple) -> str:
    """`references[0].doi` for a JSON path, `the entry` for the top level."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the entry"


def _describe(error) -> list[tuple[str, tuple, bool]]:
    """[(message, path to point at, point at the key instead of the value)]."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        out = []
        for name in sorted(set(error.instance) - set(known), key=str):
            guess = difflib.get_close_matches(str(name), known, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'?" if guess else f"known fields: {', '.join(known)}"
            out.append((f"unknown field '{name}' in {_field(path)}; {hint}", path + (name,), True))
        return out
    if error.validator == "required" and isinstance(error.instance, dict):
        # one problem per missing field: a reference without title and year gets both
        return [(f"missing required field '{name}' in {_field(path)}", path, False)
                for name in error.validator_value if name not in error.instance]
    return [_describe_one(error)]


def _describe_one(error) -> tuple[str, tuple, bool]:
    path = tuple(error.absolute_path)
    where = _field(path)
    kind, value, spec = error.validator, error.instance, error.validator_value
    if kind == "required":
        missing = next((r for r in spec if isinstance(value, dict) and r not in value), spec[0])
        return f"missing required field '{missing}' in {where}", path, False
    if kind == "enum":
        return f"{where}: {value!r} is not allowed; use one of: {', '.join(map(str, spec))}", path, False
    if kind == "type":
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in ([spec] if isinstance(spec, str) else spec))
        return f"{where} should be {wanted}, not {_TYPE_WORDS.get(_json_type(value), _json_type(value))}", path, False
    if kind == "anyOf" and path[:1] == ("references",):
        return f"{where} needs a doi, an arxiv id or an http(s) url that you looked up", path, False
    if kind == "pattern":
        return f"{where}: {value!r} {_pattern_hint(path)}", path, False
    if kind in ("minLength", "maxLength"):
        size = "short" if kind == "minLength" else "long"
        return f"{where} is too {size} ({len(value)} characters; {kind[:3]} {spec})", path, False
    if kind == "minItems":
        return f"{where} needs at least {spec} item(s)", path, False
    if kind == "uniqueItems":
        return f"{where} lists the same item twice", path, False
    if kind in ("minimum", "maximum"):
        return f"{where}: {value!r} is out of range ({kind} {spec})", path, False
    return f"{where}: {error.message}", path, False


def _json_type(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
            dict: "object", type(None): "null"}.get(type(value), type(value).__name__)


def _pattern_hint(path: tuple) -> str:
    last = next((p for p in reversed(path) if isinstance(p, str)), "")
    return {
        "id": "must be lowercase words joined by hyphens, like loop-invariant-code-motion",
        "doi": "is not a DOI; write it as 10.xxxx/… without https://doi.org/",
        "arxiv": "is not an arXiv id; write it as 2205.14135 (no 'arXiv:' prefix)",
        "url": "must be an http(s) address",
        "summary": "must fit on one line",
        "probe": "must be a probe name like kv_cache (analyzer/probes/<name>.py)",
    }.get("probe" if path[:1] == ("probes",) and last == "name" else last, "must be lowercase words joined by hyphens" if last in ("related", "tags", "inverse")
          or path[:1] in (("related",), ("tags",)) else "has the wrong form")


def schema_problems(document: Document, label: str) -> list[Problem]:
    """Every schema violation of one entry, each at the line of the offending value."""
    quick = _quick_check()
    if quick is not None:
        check, failure = quick
        try:
            check(document.data)
            return []
        except failure:
            pass  # fall through to the full report
    problems = []
    for error in _validator().iter_errors(document.data):
        for message, path, at_key in _describe(error):
            line, col = document.where(path, key=at_key)
            problems.append(Problem(label, line, col, message))
    return sorted(set(problems))
