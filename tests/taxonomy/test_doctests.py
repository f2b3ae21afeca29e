"""Every docstring example of taxonomy/ and analyzer/ runs and prints what it says.

(A test rather than `--doctest-modules` in addopts: a module that needs the optional torch
front-end is skipped, with the reason, where torch is not installed.)
"""
from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
MODULES = sorted(".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                 for package in ("taxonomy", "analyzer") for path in (ROOT / package).rglob("*.py")
                 if path.name != "__main__.py")


def examples_of(name: str) -> list[doctest.DocTest]:
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] == "torch":
            pytest.skip(f"{name} needs torch (pip install -e '.[torch]')")
        raise
    return [test for test in doctest.DocTestFinder().find(module) if test.examples]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    for test in examples_of(name):
        runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def test_the_modules_have_examples():
    assert {"taxonomy.lookup", "taxonomy.search", "taxonomy.site.render"} <= set(MODULES)
    assert sum(len(examples_of(name)) for name in ("taxonomy.lookup", "taxonomy.search")) >= 4
