"""A mutation fuzzer over the real catalog's entries, bounded to a few seconds (issue 15).

Each mutant is a real entry with one to three edits a careless or hostile contributor might
make: a tag (`!!map`), a bracket, an escape, a repeated line, a broken address. Reading and
checking a mutant may report problems but never raises, never reports an internal error, and
a mutant with no problem at all shows as a card and as JSON and renders as a site page.
The seed is fixed, so a failure reproduces; TAXO_FUZZ_SEED and TAXO_FUZZ_SECONDS explore more.
"""
from __future__ import annotations

import os
import random
import re
import time
from pathlib import Path

from taxonomy.checks import catalog_problems
from taxonomy.entry_view import render_entry
from taxonomy.json_views import entry_json
from taxonomy.loader import LoadedCatalog, add_entry, load_catalog
from taxonomy.lookup import keys_of, normalize
from taxonomy.model import Entry
from taxonomy.paths import default_catalog
from taxonomy.site.render import render_site
from taxonomy.validate import file_problems
from taxonomy.yaml_source import YamlError, parse_text

SEED = int(os.environ.get("TAXO_FUZZ_SEED", "15"))
SECONDS = float(os.environ.get("TAXO_FUZZ_SECONDS", "2"))
MAX_MUTANTS = 4000
TOKENS = ["!!map ", "!!seq ", "!!str ", "!!int ", "!!float ", "!!bool ", "!!null ", "!!binary ", "!!set ",
          "!local ", "!!python/object/apply:os.system ", "&a ", "*a ", "<<: ", "? ", "- ", "[", "]", "{", "}",
          ",", ":", ": ", " #", '"', "'", "\\e", "\\a", '"\\e]0;x\\a"', '"\\u202e"', "|", ">", "~", "TODO",
          '"  "', "https://[oops", "https://x:99999", "\n", "\n  ", "\t", " ", "1e3", "0x1F", "yes", "---\n",
          "...\n", "%YAML 1.2\n", "\u200b", "а", "记忆表"]
REAL = sorted(default_catalog().glob("*.yaml"))
VALUE_START = re.compile(r"(?::|^\s*-|\[|,) ?", re.M)


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        lines = text.split("\n")
        kind, at = rng.randrange(6), rng.randrange(len(text) + 1)
        values = [m.end() for m in VALUE_START.finditer(text)]
        if kind == 5 and values:  # where a value starts: `id: !!map x`, `tags: [\e`
            at = rng.choice(values)
            text = text[:at] + rng.choice(TOKENS) + text[at:]
        elif kind == 0:
            text = text[:at] + rng.choice(TOKENS) + text[at:]
        elif kind == 1:
            text = text[:at] + text[at + rng.randint(1, 12):]
        elif kind == 2:
            i = rng.randrange(len(lines))
            text = "\n".join(lines[:i + 1] + [lines[i]] + lines[i + 1:])
        elif kind == 3:
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        else:
            i = rng.randrange(len(lines))
            lines[i] = ("  " + lines[i]) if rng.random() < 0.5 else lines[i][2:]
            text = "\n".join(lines)
    return text


def neighbours(data: dict, others: list[Entry], by_key: dict[str, Entry]) -> list[Entry]:
    """The entries a mutant's own cross-entry problems depend on: those it names (related,
    inverse) and those whose id, name or alias collides with one of its own. Checking against
    these instead of all ~200 keeps a mutant to a few milliseconds, with the same result."""
    probe = Entry.from_dict(data)
    wanted = {*probe.related, probe.inverse}
    near = {id(e): e for e in others if e.id in wanted}
    for text in (probe.id, probe.name, *probe.aliases):
        if (other := by_key.get(normalize(text))) is not None:
            near[id(other)] = other
    return list(near.values())


def check(text: str, label: str, others: list[Entry], by_key: dict[str, Entry]) -> tuple[list[str], dict | None]:
    """(problems, data) for one mutant, as validate sees it beside the rest of the catalog."""
    try:
        document = parse_text(text, label)
    except YamlError as error:
        return [error.message], None
    problems = [p.message for p in file_problems(document, label)]
    if problems or not isinstance(document.data, dict):
        return problems or ["not a mapping"], None
    near = neighbours(document.data, others, by_key)
    catalog = LoadedCatalog(root=Path("."), entries=near, documents={label: document})
    add_entry(catalog, label, document.data)
    problems = [p.message for p in catalog_problems(catalog) if p.path == label]
    return problems, document.data


def test_mutated_real_entries_give_problems_never_exceptions_and_what_validates_renders(tmp_path):
    rng = random.Random(SEED)
    loaded = load_catalog(default_catalog())
    keyed = {}
    for source in REAL:
        others = [e for e in loaded.entries if Path(e.path).name != source.name]
        keyed[source.name] = others, {k: e for e in reversed(others) for k in keys_of(e.id, e.name, e.aliases)}
    clean: list[tuple[str, str]] = []
    started, count = time.perf_counter(), 0
    while count < MAX_MUTANTS and time.perf_counter() - started < SECONDS:
        source = rng.choice(REAL)
        label = f"catalog/{source.name}"
        text = mutate(source.read_text(encoding="utf-8"), rng)
        others, by_key = keyed[source.name]
        try:
            problems, data = check(text, label, others, by_key)
        except Exception as exc:  # the property: no exception, whatever the mutant
            raise AssertionError(f"seed {SEED}, mutant {count} of {source.name} raised {exc!r}:\n{text}") from exc
        assert not any("internal error" in p for p in problems), (count, text)
        if not problems:
            entry = Entry.from_dict(data, label)
            render_entry(entry, full=True, color=False, columns=60)
            entry_json(entry, ())
            clean.append((source.name, text))
        count += 1
    assert count >= 100, f"only {count} mutants in {SECONDS} s"
    site_catalog = tmp_path / "catalog"
    site_catalog.mkdir()
    for name, text in dict(clean[-30:]).items():  # a valid mutant must render as a page
        (site_catalog / name).write_text(text, encoding="utf-8")
    report = render_site(site_catalog, tmp_path / "site", measurement_for=lambda probe: (None, None))
    assert report.skipped_files == (), report.skipped_files
