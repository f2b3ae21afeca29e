"""CONTRIBUTING.md writes down every validation rule; this keeps it from falling behind the code.

Each message the reader, the file filter, the schema explainer, the cross-entry checks and
`taxo new` can produce is found in their source (by its first telling literal piece) and must be quoted in CONTRIBUTING.md; so must every
field of the entry schema.
"""
from __future__ import annotations

import ast
import json
import re

import pytest

from contrib_helpers import ROOT

DOC = " ".join((ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").split())
SCHEMA = json.loads((ROOT / "taxonomy" / "schema" / "entry.schema.json").read_text(encoding="utf-8"))
MESSAGE_CALLS = {"YamlError", "Problem", "at"}


def schema_fields(schema: dict, prefix: str = "") -> set[str]:
    """Every property name, nested ones as `references.title`."""
    names = set()
    for name, spec in schema.get("properties", {}).items():
        names.add(prefix + name)
        names |= schema_fields(spec, f"{prefix}{name}.")
        names |= schema_fields(spec.get("items", {}), f"{prefix}{name}.")
    return names


def literal_pieces(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [v.value for v in node.values if isinstance(v, ast.Constant)]
    return []


def key_phrase(pieces: list[str]) -> str | None:
    """The first telling literal part of a message (what is wrong, not the fix): `differs from the file name`."""
    parts = [part.split(" (")[0].strip(" '():,.") for piece in pieces for part in piece.split(";")]
    return next((p for p in parts if len(p) >= 8), None)


def message_phrases() -> set[str]:
    phrases = set()
    for module in ("yaml_source", "checks", "loader", "schema", "entry_files", "template"):
        tree = ast.parse((ROOT / "taxonomy" / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            candidates = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in MESSAGE_CALLS:
                candidates = node.args[-1:] if node.func.id == "at" and len(node.args) == 3 else node.args
            elif module in ("entry_files", "template") and isinstance(node, ast.Return):
                # these return their messages: an f-string, or a constant long enough to be one
                value = node.value
                if isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant)
                                                        and isinstance(value.value, str) and len(value.value) > 25):
                    candidates = [value]
            elif module == "schema" and isinstance(node, (ast.Return, ast.Tuple, ast.ListComp)):
                # schema.py returns (message, path, at_key) tuples and a dict of pattern hints
                candidates = [n for n in ast.walk(node) if isinstance(n, ast.JoinedStr)]
            for arg in candidates:
                phrase = key_phrase(literal_pieces(arg))
                if phrase and not phrase.startswith(("tag:", "[")):
                    phrases.add(" ".join(phrase.split()))
        if module == "schema":
            hints = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_pattern_hint")
            phrases |= {key_phrase([c.value]) for c in ast.walk(hints)
                        if isinstance(c, ast.Constant) and isinstance(c.value, str) and " " in c.value}
    return {p for p in phrases if p}


PHRASES = sorted(message_phrases())


def test_messages_were_found():
    assert len(PHRASES) >= 25
    assert "differs from the file name" in PHRASES


@pytest.mark.parametrize("phrase", PHRASES)
def test_every_message_is_documented(phrase):
    assert phrase in DOC, f"CONTRIBUTING.md does not mention the message {phrase!r}"


@pytest.mark.parametrize("field", sorted(schema_fields(SCHEMA)))
def test_every_schema_field_is_documented(field):
    assert f"`{field.rsplit('.', 1)[-1]}`" in DOC, f"CONTRIBUTING.md does not document `{field}`"


@pytest.mark.parametrize("category", SCHEMA["definitions"]["position_category"]["enum"])
def test_every_category_is_named(category):
    assert f"`{category}`" in DOC


def test_the_limits_in_the_doc_are_the_code_s():
    from taxonomy.yaml_source import MAX_BYTES, MAX_DEPTH, MAX_DIGITS

    assert f"{MAX_BYTES:,}-byte limit" in DOC
    assert f"at most {MAX_DEPTH} levels" in DOC
    assert f"more than {MAX_DIGITS} digits" in DOC


def test_the_doc_names_the_commands_a_contributor_runs():
    for command in ("taxo new", "taxo validate", "taxo analyze", "python -m pytest -q"):
        assert re.search(re.escape(command), DOC), command
