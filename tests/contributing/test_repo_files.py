"""The contributor's tooling stays wired: CI workflow, templates, pre-commit hooks, editor schema."""
from __future__ import annotations

import json
import re

import yaml

from contrib_helpers import ROOT

WORKFLOW = (ROOT / ".github" / "workflows" / "checks.yml").read_text(encoding="utf-8")


def test_the_workflow_runs_on_every_pull_request():
    assert "pull_request" in yaml.safe_load(WORKFLOW)[True]  # YAML 1.1 reads the key `on` as True


def test_the_workflow_installs_like_ci_and_runs_its_tests():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for line in re.findall(r"^(?:python3 -m venv|\.venv/bin/pip install|\.venv/bin/python -m pytest).*$", ci, re.M):
        assert line in WORKFLOW, line


def test_the_workflow_annotates_and_writes_the_full_list_to_the_summary():
    assert "taxo validate --catalog catalog --format github" in WORKFLOW
    assert '>> "$GITHUB_STEP_SUMMARY"' in WORKFLOW
    assert "--format text" in WORKFLOW.split("GITHUB_STEP_SUMMARY")[0]


def test_templates_exist():
    github = ROOT / ".github"
    assert (github / "PULL_REQUEST_TEMPLATE.md").is_file()
    names = {yaml.safe_load(p.read_text(encoding="utf-8").split("---")[1])["name"]
             for p in (github / "ISSUE_TEMPLATE").glob("*.md")}
    assert {"Add an optimization", "Dispute a classification"} <= names


def test_the_pre_commit_hook_runs_taxo_validate():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "taxo-validate")
    assert hook["entry"] == "taxo validate" and hook["language"] == "python" and hook["pass_filenames"] is False
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = [h for repo in config["repos"] for h in repo["hooks"]]
    assert any("validate" in h["entry"] for h in local)


def test_vscode_maps_the_entry_schema_to_the_catalog():
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    (schema, globs), = settings["yaml.schemas"].items()
    assert (ROOT / schema).resolve() == (ROOT / "taxonomy" / "schema" / "entry.schema.json").resolve()
    assert "catalog/*.yaml" in globs
    extensions = json.loads((ROOT / ".vscode" / "extensions.json").read_text(encoding="utf-8"))
    assert "redhat.vscode-yaml" in extensions["recommendations"]
