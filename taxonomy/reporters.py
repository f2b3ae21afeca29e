"""Print validation results as text, JSON or GitHub annotations.

Paths and messages quote what contributors wrote, so every format prints them escaped: text and
GitHub lines hold no control character and no line break (a text report inside a Markdown code
fence, as CI writes the job summary, cannot close the fence), JSON escapes everything non-ASCII.
"""
from __future__ import annotations

import json

from .control_chars import one_line
from .problems import Problem


def _escape_github(text: str, *, prop: bool = False) -> str:
    """GitHub workflow-command escaping (properties also escape ':' and ','), on one line."""
    text = one_line(text).replace("%", "%25")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def text_report(problems: list[Problem], files: int) -> str:
    lines = [str(p) for p in problems]
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        lines.append(f"{len(problems)} {noun} in {len({p.path for p in problems})} of {files} files")
    else:
        lines.append(f"ok: {files} files valid")
    return "\n".join(lines)


def json_report(problems: list[Problem], files: int) -> str:
    return json.dumps({"ok": not problems, "files": files, "problems": [p.as_dict() for p in problems]}, indent=2)


def github_report(problems: list[Problem], files: int) -> str:
    lines = []
    for p in problems:
        where = f"file={_escape_github(p.path, prop=True)}"
        if p.line is not None:
            where += f",line={p.line},col={p.col or 1}"
        lines.append(f"::error {where}::{_escape_github(p.message)}")
    lines.append(text_report(problems, files).splitlines()[-1])
    return "\n".join(lines)


REPORTERS = {"text": text_report, "json": json_report, "github": github_report}
