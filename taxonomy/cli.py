"""The `taxo` command: parse, call the library, render. Each docstring is the command's --help."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import List, Optional

import typer

from .paths import default_catalog

class _Taxo(typer.Typer):
    """Typer, except that a usage error is one `taxo: …` line like every other error, with
    Click's "Did you mean" once, instead of a framed box after the usage."""

    def __call__(self, *args, **kwargs):
        import click

        no_args = getattr(click.exceptions, "NoArgsIsHelpError", ())   # Click >= 8.2
        try:
            status = super().__call__(*args, standalone_mode=False, **kwargs)
        except no_args as exc:                       # `taxo` alone: the help, as before
            typer.echo(exc.ctx.get_help())
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            message, _, guess = exc.format_message().partition(" Did you mean ")
            guess = guess.split(" Did you mean ")[0]     # Typer and Click each add the same one
            message = (message[:1].lower() + message[1:]).rstrip(".") + (f" (did you mean {guess})" if guess else "")
            context = getattr(exc, "ctx", None)
            where = f"; see `{context.command_path} --help`" if context is not None else ""
            typer.echo(f"taxo: {message or 'error'}{where}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            typer.echo("taxo: aborted", err=True)
            sys.exit(1)
        sys.exit(status if isinstance(status, int) else 0)


app = _Taxo(
    help="taxo: which of the four classical optimizations (inlining, partial evaluation, dead code "
         "elimination, caching) explains each optimization — or is it AI-specific? "
         "A catalog with sources, and an analyzer that measures it.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _print_version(wanted: bool) -> None:
    if wanted:
        from . import __version__

        typer.echo(f"taxo {__version__}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", is_eager=True, callback=_print_version,
                                          help="Print taxo's version and exit.")) -> None:
    pass


CatalogOption = typer.Option(None, "--catalog", help="Catalog directory (default: the bundled catalog).",
                             file_okay=False)


class Domain(str, Enum):
    classic = "classic"
    ai = "ai"
    both = "both"


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def _fail(message: str) -> None:
    typer.echo(f"taxo: {message}", err=True)
    raise typer.Exit(1)


def _did_you_mean(query: str, candidates: dict[str, str]) -> str:
    """` (did you mean 'x' or 'y'?)`, from the one suggestion function; empty when nothing is close."""
    from .lookup import suggest

    close = suggest(query, candidates)
    if not close:
        return ""
    quoted = [f"'{c}'" for c in close]
    return " (did you mean " + (", ".join(quoted[:-1]) + " or " + quoted[-1] if len(quoted) > 1 else quoted[0]) + "?)"


def _catalog(path: Optional[Path]):
    """The loaded catalog, or exit with one line when the directory is missing."""
    from .loader import load_catalog

    root = path or default_catalog()
    if not root.is_dir():
        _fail(f"catalog directory not found: {root}; pass --catalog PATH")
    return load_catalog(root)


def _taxonomy():
    from .categories import taxonomy

    return taxonomy()


def _print_json(value) -> None:
    from .json_views import dumps

    typer.echo(dumps(value))


@app.command()
def classify(query: List[str] = typer.Argument(..., help="An id, name or alias: fft, 'kv cache', CSE."),
             as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
             catalog: Optional[Path] = CatalogOption) -> None:
    """Say which category an optimization belongs to, why, and who disagrees.

    Example: taxo classify "Fast Fourier Transform"
    """
    from .fast import print_entry

    raise typer.Exit(print_entry(" ".join(query), catalog, full=False, as_json=as_json))


@app.command()
def show(query: List[str] = typer.Argument(..., help="An id, name or alias."),
         as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
         catalog: Optional[Path] = CatalogOption) -> None:
    """Show everything about one entry: description, complexity, example, references.

    Example: taxo show strassen
    """
    from .fast import print_entry

    raise typer.Exit(print_entry(" ".join(query), catalog, full=True, as_json=as_json))


@app.command("list")
def list_entries(category: Optional[str] = typer.Option(None, "--category", "-c", help="Only this category."),
                 domain: Optional[Domain] = typer.Option(None, "--domain", "-d", help="classic, ai or both."),
                 as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
                 catalog: Optional[Path] = CatalogOption) -> None:
    """List entries, optionally of one category or domain.

    Example: taxo list --category caching --domain ai
    """
    from . import CATEGORIES

    if category is not None and category not in CATEGORIES:
        hint = _did_you_mean(category, {c: c for c in CATEGORIES})
        _fail(f"unknown category '{category}'{hint}; use one of: {', '.join(CATEGORIES)}")
    entries = sorted(_catalog(catalog).entries, key=lambda e: e.id)
    entries = [e for e in entries if (category is None or e.category == category)
               and (domain is None or e.domain == domain.value)]
    if as_json:
        from .json_views import entry_row

        _print_json([entry_row(e) for e in entries])
        return
    from .tables import print_entries

    print_entries(entries, title=f"{len(entries)} entries")


@app.command()
def search(words: List[str] = typer.Argument(..., help="Words to look for."),
           limit: int = typer.Option(20, "--limit", "-n", min=1, help="At most this many results."),
           as_json: bool = typer.Option(False, "--json", help="Print a JSON list."),
           catalog: Optional[Path] = CatalogOption) -> None:
    """Search names, aliases, summaries and descriptions; best matches first.

    Example: taxo search attention memory
    """
    from .search import search as run_search

    entries = _catalog(catalog).entries
    results = run_search(entries, " ".join(words), limit)
    if as_json:
        from .json_views import entry_row

        _print_json([entry_row(e, s) for e, s in results])
        return
    if not results:
        keys = {key: e.id for e in entries for key in (e.id, e.name, *e.aliases)}
        hint = _did_you_mean(" ".join(words), keys)
        _fail(f"nothing matches '{' '.join(words)}'{hint}; try fewer words or `taxo list`")
    from .tables import print_entries

    print_entries([e for e, _ in results], title=f"{len(results)} results")


@app.command()
def categories(as_json: bool = typer.Option(False, "--json", help="Print JSON."),
               catalog: Optional[Path] = CatalogOption) -> None:
    """The taxonomy: each category's definition, what the analyzer measures, and its entry count.

    Example: taxo categories
    """
    taxonomy, entries = _taxonomy(), _catalog(catalog).entries
    if as_json:
        from .json_views import taxonomy_json

        _print_json(taxonomy_json(taxonomy, entries))
        return
    from .tables import categories_table, console

    console().print(categories_table(taxonomy, entries))


@app.command()
def stats(as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
          catalog: Optional[Path] = CatalogOption) -> None:
    """Counts: entries per category and domain, contested entries, probes, references.

    Example: taxo stats
    """
    if as_json:
        from .json_views import stats_json

        _print_json(stats_json(_taxonomy(), _catalog(catalog).entries))
        return
    from .tables import console, stats_tables

    out = console()
    for table in stats_tables(_taxonomy(), _catalog(catalog).entries):
        out.print(table)


@app.command()
def export(as_json: bool = typer.Option(False, "--json", help="Accepted for symmetry: JSON is the only format."),
           catalog: Optional[Path] = CatalogOption) -> None:
    """Print the whole catalog and taxonomy, with stored measurements, as one JSON document.

    JSON is the only export format, so `taxo export` and `taxo export --json` print the same.
    Example: taxo export > taxo.json
    """
    from . import __version__
    from .json_views import export_json

    _print_json(export_json(_taxonomy(), _catalog(catalog).entries, __version__))


@app.command()
def validate(paths: Optional[List[Path]] = typer.Argument(
                 None, help="Entry files or catalog folders to check (default: the whole catalog)."),
             catalog: Optional[Path] = CatalogOption,
             report_format: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f",
                                                        help="text, json, or github annotations.")) -> None:
    """Check entries against the schema and against each other; exit 1 on any problem.

    Each problem is reported as path:line:col: message. Named files are checked against the
    other entries of their catalog (--catalog, or the folder they are in), and only their
    problems are reported, as yamllint does; a folder is checked whole.
    Example: taxo validate --catalog catalog --format github
    Example: taxo validate catalog/loop-peeling.yaml
    """
    from .control_chars import one_line
    from .reporters import REPORTERS
    from .validate import validate_catalog, validate_files

    if not paths:
        root = catalog or default_catalog()
        if not root.is_dir():
            _fail(f"catalog directory not found: {one_line(str(root))}; pass --catalog PATH")
        result = validate_catalog(root)
        problems, files = result.problems, result.files
    else:
        problems, files = [], 0
        folders, entry_files = [p for p in paths if p.is_dir()], [p for p in paths if not p.is_dir()]
        for folder in folders:
            result = validate_catalog(folder)
            problems, files = problems + result.problems, files + result.files
        groups: dict[Path, list[Path]] = {}
        for path in entry_files:
            groups.setdefault(catalog or path.parent, []).append(path)
        for root, members in groups.items():
            result = validate_files(members, root)
            problems, files = problems + result.problems, files + result.files
    typer.echo(REPORTERS[report_format.value](problems, files))
    raise typer.Exit(1 if problems else 0)


@app.command()
def new(name: List[str] = typer.Argument(..., help="The optimization's name, e.g. 'Loop peeling'."),
        catalog: Optional[Path] = CatalogOption,
        stdout: bool = typer.Option(False, "--stdout", help="Print the template instead of writing a file.")) -> None:
    """Write a new entry file from a commented template (never overwrites a file).

    Example: taxo new "Loop peeling" --catalog catalog
    """
    from .control_chars import one_line
    from .paths import SCHEMA_PATH
    from .template import name_problem, name_taken, new_entry_text

    root, full_name = catalog or default_catalog(), " ".join(name)
    problem = name_problem(full_name)
    if problem:
        _fail(one_line(problem))
    ident, text = new_entry_text(full_name, root, SCHEMA_PATH)
    if stdout:
        typer.echo(text, nl=False)
        return
    if not root.is_dir():
        _fail(f"catalog directory not found: {one_line(str(root))}; pass --catalog PATH")
    taken = name_taken(full_name, root)
    if taken:
        _fail(one_line(taken))
    target = root / f"{ident}.yaml"
    try:
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        _fail(f"the name '{one_line(full_name)}' gives the id '{ident}', and {one_line(str(target))} already "
              "exists; choose another name, or edit that file")
    except OSError as exc:
        _fail(f"cannot write {one_line(str(target))}: {exc.strerror or exc}")
    typer.echo(f"wrote {one_line(str(target))}; fill in the TODOs, then run: taxo validate {one_line(str(target))}")


@app.command()
def render(out: Path = typer.Option(..., "--out", "-o", help="Directory to write the site into.", file_okay=False),
           base_url: Optional[str] = typer.Option(None, "--base-url", help="Public address, for absolute sitemap links."),
           catalog: Optional[Path] = CatalogOption) -> None:
    """Render the catalog as a static website (works from file:// and over http).

    Example: taxo render --out site && xdg-open site/index.html
    """
    from .site import render_site

    root = catalog or default_catalog()
    if not root.is_dir():
        _fail(f"catalog directory not found: {root}; pass --catalog PATH")
    options = {"base_url": base_url} if base_url else {}
    try:
        report = render_site(root, out, **options)
    except OSError as exc:
        _fail(f"cannot write the site to {out}: {exc.strerror or exc}")
    typer.echo(str(report))


@app.command()
def serve(port: int = typer.Option(8000, "--port", "-p", min=0, max=65535, help="Port on 127.0.0.1 (0: any free)."),
          catalog: Optional[Path] = CatalogOption) -> None:
    """Render the catalog and serve it on localhost until Ctrl-C.

    Example: taxo serve --port 8000
    """
    from .site import serve as run_server

    root = catalog or default_catalog()
    if not root.is_dir():
        _fail(f"catalog directory not found: {root}; pass --catalog PATH")
    try:
        run_server(port, root)
    except OSError as exc:
        _fail(f"cannot serve on port {port}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        pass


def _probe_map(catalog: Optional[Path]) -> dict[str, tuple[str, str]]:
    """Entry id -> (probe, the verdict that agrees with its filing).

    An entry's first probe answers to its id, each further one to `<id> (<probe>)`; probes of
    a front-end that is not installed here (torch) are left out.
    """
    from analyzer.tracers import available

    probes: dict[str, tuple[str, str]] = {}
    taxonomy = _taxonomy()
    for e in _catalog(catalog).entries:
        category = taxonomy.category(e.category)
        expected = (category.verdict if category else None) or e.category
        for k, p in enumerate(e.probes):
            if available(p.front_end):
                probes[e.id if k == 0 else f"{e.id} ({p.name})"] = (p.name, expected)
    return probes


@app.command()
def analyze(probe: Optional[str] = typer.Argument(None, help="A probe file (path/to/probe.py) or a catalog id."),
            all_probes: bool = typer.Option(False, "--all", help="Run every catalog probe in parallel."),
            size: Optional[int] = typer.Option(None, "--size", min=1, help="Run one size."),
            sizes: Optional[str] = typer.Option(None, "--sizes", help="Run several sizes: A,B,C (fits growth)."),
            timeout: float = typer.Option(60.0, "--timeout", min=0.1, help="Seconds per probe before it is stopped."),
            as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
            store: bool = typer.Option(False, "--store", help="With --all: save results for `taxo classify`."),
            memory: Optional[str] = typer.Option(
                None, "--memory", help="Resident memory per probe, e.g. 8GiB (default: the probe's MEMORY, "
                "else half the RAM shared by the probes running at once)."),
            fast_memory: Optional[str] = typer.Option(
                None, "--fast-memory", help="Bytes of fast memory for the traffic measure, e.g. 32KiB "
                "(default: the probe's FAST_MEMORY, else 512KiB)."),
            scheduler: Optional[str] = typer.Option(
                None, "--scheduler", metavar="ADDRESS", help="With --all: run each probe as a task on the Dask "
                "cluster whose scheduler is at ADDRESS (tcp://host:8786), isolated on its worker as here; "
                "needs pip install 'taxo[cluster]' (docs/distributed.md)."),
            catalog: Optional[Path] = CatalogOption) -> None:
    """Measure which mechanism explains an optimization's savings, by tracing both versions.

    Example: taxo analyze fft --sizes 16,64,256
    Example: taxo analyze --all --scheduler tcp://10.0.0.5:8786
    """
    if not all_probes and not probe:
        _fail("name a probe file or catalog id, or pass --all")
    try:
        from analyzer.command import analyze_command
        from analyzer.probe import catalog_probe_names
    except ImportError as exc:
        _fail(f"the analyzer is not installed ({exc})")
    catalog_probes = _probe_map(catalog)
    if probe and not all_probes and not probe.endswith(".py") and not Path(probe).exists() \
            and probe not in catalog_probes and probe not in catalog_probe_names():
        from .control_chars import one_line
        from .lookup import suggest

        names = {name: name for name in [*catalog_probes, *catalog_probe_names()]}
        hint = suggest(probe, names)
        _fail(f"no probe or catalog entry '{one_line(probe)}'"
              + (f"; did you mean: {', '.join(hint)}?" if hint else "; run `taxo list` or name a probe file"))
    raise typer.Exit(analyze_command(probe, all_probes=all_probes, size=size, sizes=sizes, timeout=timeout,
                                     as_json=as_json, catalog_probes=catalog_probes, store=store,
                                     memory=memory, fast_memory=fast_memory, scheduler=scheduler))
