"""The shell blocks of README.md and CONTRIBUTING.md run as written, in a scratch copy of the
repository with the venv's `taxo` on PATH.

A line is left out only when it matches a marker of SKIPPED (each with its reason); everything
else must exit 0. `$EDITOR` is a stand-in contributor that fills the new entry with real
content, so the walkthrough's `taxo validate` checks a finished entry.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
DOCS = ("README.md", "CONTRIBUTING.md")
SKIPPED = {
    "python3 -m venv": "creates a virtual environment and installs packages (network)",
    "pip install": "installs packages (network)",
    "-m pytest": "runs this test suite, which runs this test",
    "bench/": "benchmarks take minutes",
    "analyze --all --store": "re-measures every probe and rewrites the installed package's stored results",
}
FENCE = re.compile(r"^```(?:sh|bash|shell|console)\n(.*?)^```", re.M | re.S)

# Plays the contributor: replaces the template with a finished entry, built from an existing
# entry of the scratch catalog (so every field is valid and every reference real), renamed.
EDITOR = textwrap.dedent('''
    import sys, pathlib, yaml
    target = pathlib.Path(sys.argv[1])
    template = yaml.safe_load(target.read_text(encoding="utf-8"))
    model = yaml.safe_load((target.parent / "loop-peeling.yaml").read_text(encoding="utf-8"))
    for field in ("aliases", "probe", "torch_probe", "probes", "related", "inverse"):
        model.pop(field, None)
    model.update(id=target.stem, name=template["name"])
    target.write_text(yaml.safe_dump(model, sort_keys=False, allow_unicode=True), encoding="utf-8")
''')


def shell_blocks() -> list[tuple[str, int, str]]:
    """(document, block number, text) of every fenced shell block."""
    return [(doc, n, match.group(1)) for doc in DOCS
            for n, match in enumerate(FENCE.finditer((ROOT / doc).read_text(encoding="utf-8")), 1)]


def runnable(block: str) -> str:
    return "\n".join(line for line in block.splitlines() if not any(marker in line for marker in SKIPPED))


@pytest.fixture
def scratch(tmp_path) -> Path:
    """A copy of what the documented commands read and write, with the venv beside it."""
    copy = tmp_path / "repo"
    copy.mkdir()
    for name in ("catalog", "docs"):
        shutil.copytree(ROOT / name, copy / name)
    for name in DOCS:
        shutil.copy(ROOT / name, copy / name)
    (copy / ".venv").symlink_to(Path(sys.prefix))
    return copy


def test_there_are_blocks_to_run_and_each_skip_has_a_reason():
    blocks = shell_blocks()
    assert {doc for doc, _, _ in blocks} == set(DOCS)
    assert any("taxo new" in runnable(text) for _, _, text in blocks)
    assert all(reason for reason in SKIPPED.values())


@pytest.mark.parametrize("doc, number, text", shell_blocks(), ids=lambda v: str(v)[:20])
def test_shell_block_runs(doc, number, text, scratch, tmp_path):
    script = runnable(text)
    if not script.strip():
        pytest.skip(f"{doc} block {number}: every line is skipped ({text.strip()[:60]})")
    editor = tmp_path / "editor.py"
    editor.write_text(EDITOR, encoding="utf-8")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "EDITOR": f"{sys.executable} {editor}", "NO_COLOR": "1", "XDG_CACHE_HOME": str(tmp_path / "cache")}
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=scratch, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{doc} block {number} failed:\n{script}\n{result.stdout}\n{result.stderr}"


def test_the_walkthrough_names_an_optimization_the_catalog_lacks():
    """`taxo new NAME` in the docs must write a new file, not collide with an entry."""
    from taxonomy.loader import load_catalog
    from taxonomy.lookup import normalize

    taken = {normalize(key) for e in load_catalog(ROOT / "catalog").entries for key in (e.id, e.name, *e.aliases)}
    names = {name for doc in DOCS for name in re.findall(r'taxo new "([^"]+)"', (ROOT / doc).read_text("utf-8"))}
    assert names and not {name for name in names if normalize(name) in taken}
