"""`taxo list` and `taxo search` on a narrow terminal and through a pipe."""
from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def taxo_on_terminal(*args: str, columns: int, cache: Path) -> str:
    """Run `taxo` with its output on a pseudo-terminal `columns` wide; the text it printed."""
    beside = Path(sys.executable).parent / "taxo"
    command = [str(beside)] if beside.exists() else [sys.executable, "-m", "taxonomy"]
    main, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm", "XDG_CACHE_HOME": str(cache)}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(command + list(args), stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(main, 1 << 16)
        except OSError:                  # the terminal closed: the process is done
            break
        if not chunk:
            break
        output += chunk
    os.close(main)
    assert process.wait(timeout=120) == 0
    return ANSI.sub("", output.decode()).replace("\r\n", "\n")


@pytest.fixture
def catalog_rows(taxo) -> list[dict]:
    return json.loads(taxo("list", "--json").stdout)


def test_a_60_column_terminal_gets_whole_ids_and_whole_words(tmp_path, catalog_rows):
    text = taxo_on_terminal("list", columns=60, cache=tmp_path)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 60
    tokens = set(text.split())
    assert not [row["id"] for row in catalog_rows if row["id"] not in tokens]            # no id split
    split_words = {w for row in catalog_rows for w in row["summary"].split() if w not in tokens}
    assert split_words == set()


def test_a_wide_terminal_gets_a_table(tmp_path, catalog_rows):
    text = taxo_on_terminal("search", "kv", "cache", columns=160, cache=tmp_path)
    header = next(line for line in text.splitlines() if "summary" in line)
    assert header.split() == ["id", "category", "domain", "summary"]
    assert "kv-cache" in text.split()


def test_piped_list_is_one_tab_separated_record_a_line(taxo, catalog_rows):
    out = taxo("list").stdout
    records = [line.split("\t") for line in out.splitlines()]
    assert [r[0] for r in records] == [row["id"] for row in catalog_rows]
    assert all(len(r) == 4 for r in records)
    assert [(r[1], r[2], r[3]) for r in records] == [(row["category"], row["domain"], row["summary"])
                                                     for row in catalog_rows]
    caching = sum(row["category"] == "caching" for row in catalog_rows)
    assert sum(r[1] == "caching" for r in records) == caching     # what `cut -f2 | grep -cx caching` counts


def test_piped_search_is_one_record_a_line_in_rank_order(taxo):
    ranked = [row["id"] for row in json.loads(taxo("search", "kv", "--json").stdout)]
    records = [line.split("\t") for line in taxo("search", "kv").stdout.splitlines()]
    assert [r[0] for r in records] == ranked and all(len(r) == 4 for r in records)


def test_contributed_control_characters_never_reach_the_pipe(taxo, small_catalog):
    path = small_catalog / "memo-table.yaml"
    text = path.read_text()
    summary = next(line for line in text.splitlines() if line.startswith("summary:"))
    path.write_text(text.replace(summary, 'summary: "tab\\there, escape \\e[31m red, bell \\a here ok"'))
    out = taxo("list", "--catalog", str(small_catalog)).stdout
    assert "\x1b" not in out and "\a" not in out
    assert all(len(line.split("\t")) == 4 for line in out.splitlines())
