"""Property-based: mutated entries and random bytes never raise, and finish in bounded time."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402
import yaml  # noqa: E402

from taxonomy.problems import Problem  # noqa: E402
from taxonomy.validate import validate_catalog  # noqa: E402
from taxonomy.yaml_source import Document, parse_text, read_document  # noqa: E402

from contrib_helpers import EXAMPLES  # noqa: E402

VALID_TEXT = (EXAMPLES / "valid" / "memo-table.yaml").read_text(encoding="utf-8")
VALID_DATA = read_document(EXAMPLES / "valid" / "memo-table.yaml").data
FIELDS = sorted(VALID_DATA) + ["catgory", "probe", "inverse", "aliases", "positions", "<<", ""]
FAST = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.function_scoped_fixture])

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


def validate_one(name: str, payload: bytes) -> list[Problem]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for valid in (EXAMPLES / "valid").glob("*.yaml"):
            shutil.copy(valid, root)
        (root / name).write_bytes(payload)
        return validate_catalog(root, workers=1).problems


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes_give_problems_not_exceptions(payload):
    problems = validate_one("random.yaml", payload)
    assert all(isinstance(p, Problem) for p in problems)


@FAST
@given(st.text(alphabet=st.sampled_from(list("-?:[]{}&*!|>'\"#%@` \n\tabc01")), max_size=300))
def test_yaml_punctuation_soup_gives_problems_not_exceptions(text):
    try:
        result = parse_text(text, "soup.yaml")
    except Exception as exc:  # only our own, positioned error may escape parse_text
        assert type(exc).__name__ == "YamlError", repr(exc)
    else:
        assert isinstance(result, Document)


@FAST
@given(st.integers(0, len(VALID_TEXT)), st.integers(0, 20), st.text(max_size=20))
def test_edited_text_of_a_valid_entry_never_raises(position, cut, insert):
    text = VALID_TEXT[:position] + insert + VALID_TEXT[position + cut:]
    validate_one("memo-table-2.yaml", text.encode("utf-8", "surrogatepass"))


@FAST
@given(st.sampled_from(FIELDS), values, st.booleans())
def test_mutated_fields_of_a_valid_entry_never_raise(field, value, delete):
    data = dict(VALID_DATA, id="mutant")
    if delete:
        data.pop(field, None)
    else:
        data[field] = value
    problems = validate_one("mutant.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
    assert all(isinstance(p, Problem) for p in problems)
