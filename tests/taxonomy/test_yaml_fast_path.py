"""The fast reader (`parse_data`) and the full walk (`parse_text`) read every file alike.

The fast path skips recording positions and hands anything unusual to the full walk; these
tests hold it to the same data, the same problems and the same positions on every bundled
entry, every example and every case of the hostile corpus, and on small files made to
reach each of its hand-over points.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from taxonomy.yaml_source import MAX_DEPTH, YamlError, parse_data, parse_text

ROOT = Path(__file__).parents[2]
FILES = sorted([*(ROOT / "catalog").glob("*.yaml"), *(ROOT / "tests" / "taxonomy" / "examples").rglob("*.yaml"),
                *(ROOT / "tests" / "contributing" / "hostile").glob("*.yaml")])

SMALL = {
    "plain": "id: a\nname: A\ntags: [x, y]\n",
    "yaml 1.1 words and dates stay text": "on: no\nyes: off\nwhen: 2024-01-01\nmode: 0755\nn: 12\nf: 1.5\nz: ~\n",
    "alias": "a: &x [1, 2]\nb: *x\n",
    "alias as a key": "a: &k key\n*k : 2\n",
    "anchor without alias": "a: &x 1\nb: R&D\n",
    "undefined alias": "a: *nowhere\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "merge key": "base: {x: 1}\nother:\n  <<: {y: 2}\n",
    "python tag": "a: !!python/object/apply:os.system [echo]\n",
    "explicit int": "a: !!int 5\nb: !!int five\n",
    "str tag on a list": "a: !!str [1]\n",
    "escape in a quoted string": 'a: "bell \\a here"\n',
    "escaped key": '"k\\e": 1\n',
    "backslash without control": 'a: "tab\\tand \\\\ here"\n',
    "bidi override": "a: x\u202ey\n",
    "carriage returns": "a: 1\r\nb: two\r\n",
    "non-scalar key": "? [a, b]\n: 1\n",
    "deep block": "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 2)) + "  " * (MAX_DEPTH + 2) + "v\n",
    "deep dashes": "- " * (MAX_DEPTH + 3) + "x\n",
    "at the depth limit": "- " * MAX_DEPTH + "x\n",
    "deep flow": "a: " + "[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2) + "\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "empty": "",
    "unclosed": "a: [1, 2\n",
    "long digits": "a: " + "9" * 40 + "\n",
}


def outcome(read, text: str):
    """(data, problems, every recorded position) or the error, as comparable values."""
    try:
        document = read(text, "x.yaml")
    except YamlError as exc:
        return "error", exc.message, exc.line, exc.col
    places = parse_text(text, "x.yaml")  # the paths whose positions the full walk records
    return (document.data, [(e.message, e.line, e.col) for e in document.problems],
            [document.where(path) for path in places.value_nodes],
            [document.where(path, key=True) for path in places.key_nodes])


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_fast_path_reads_each_file_as_the_full_walk_does(path):
    text = path.read_bytes().decode("utf-8-sig", errors="replace")  # a Latin-1 case never reaches a parser
    assert outcome(parse_data, text) == outcome(parse_text, text)


@pytest.mark.parametrize("text", SMALL.values(), ids=list(SMALL))
def test_fast_path_agrees_at_each_hand_over_point(text):
    assert outcome(parse_data, text) == outcome(parse_text, text)


def test_a_plain_entry_takes_the_fast_path_and_still_finds_positions():
    document = parse_data("id: a\nname: A\ntags:\n  - x\n  - y\n", "a.yaml")
    assert document.unplaced_text is not None, "read without recording positions"
    assert document.where(("tags", 1)) == (5, 5)
    assert document.where(("name",), key=True) == (2, 1)


@pytest.mark.parametrize("name", ["alias", "duplicate key", "python tag", "escape in a quoted string",
                                  "deep dashes"])
def test_unusual_files_are_read_by_the_full_walk(name):
    try:
        document = parse_data(SMALL[name], "x.yaml")
    except YamlError:
        return  # refused with the full walk's message, compared above
    assert document.unplaced_text is None and document.problems
