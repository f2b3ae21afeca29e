"""README and --help stay honest: every command is documented in both."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer.main

from taxonomy.cli import app

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(c.name for c in typer.main.get_command(app).commands.values())


def test_the_command_set_is_known():
    assert {"classify", "show", "list", "search", "categories", "stats", "export", "validate", "new",
            "analyze"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name):
    assert re.search(rf"`taxo {name}\b", README), f"README lacks `taxo {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_an_example(name, taxo):
    result = taxo(name, "--help")
    assert result.returncode == 0
    assert "Example:" in result.stdout


def test_readme_names_the_test_command_ci_runs():
    ci = (Path(__file__).parents[2] / ".ci" / "run").read_text(encoding="utf-8")
    command = re.search(r"^\.venv/bin/python -m pytest.*$", ci, re.M).group(0)
    assert command in README
