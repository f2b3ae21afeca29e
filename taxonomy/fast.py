"""`taxo classify` and `taxo show` without Typer, Rich or PyYAML on the path (see bench/)."""
from __future__ import annotations

import sys
from pathlib import Path

from .paths import default_catalog


def print_entry(query: str, catalog: Path | None, *, full: bool, as_json: bool) -> int:
    """Print one entry (card or JSON); on no match print one line, with suggestions, and return 1."""
    from .entry_view import dumps, entry_json, render_entry, stored_measurement
    from .index import EntryFinder
    from .model import Entry
    from .terminal import use_color, width

    catalog = catalog or default_catalog()
    if not catalog.is_dir():
        print(f"taxo: catalog directory not found: {catalog}; pass --catalog PATH", file=sys.stderr)
        return 1
    finder = EntryFinder(catalog)
    data, suggestions = finder.find(query)
    if data is None:
        if suggestions:
            names = []
            for ident in suggestions:
                other = finder._entry(ident) or {}
                names.append(f"{ident} ({other.get('name', ident)})")
            print(f"taxo: no entry '{query}'; did you mean: {', '.join(names)}?", file=sys.stderr)
        else:
            print(f"taxo: no entry matches '{query}'; try `taxo search {query}` or `taxo list`", file=sys.stderr)
        return 1
    entry = Entry.from_dict(data, str(catalog / f"{data.get('id')}.yaml"))
    measurement, torch_measurement = stored_measurement(entry.probe), stored_measurement(entry.torch_probe)
    if as_json:
        sys.stdout.write(dumps(entry_json(entry, measurement, torch_measurement)) + "\n")
    else:
        sys.stdout.write(render_entry(entry, full=full, color=use_color(), columns=width(),
                                      measurement=measurement, torch_measurement=torch_measurement))
    return 0


def try_fast(argv: list[str]) -> int | None:
    """Run `classify`/`show` directly when the arguments are simple; None hands over to Typer."""
    if not argv or argv[0] not in ("classify", "show"):
        return None
    words, catalog, as_json = [], None, False
    rest = iter(argv[1:])
    for arg in rest:
        if arg == "--json":
            as_json = True
        elif arg == "--catalog":
            catalog = next(rest, None)
            if catalog is None:
                return None
        elif arg.startswith("--catalog="):
            catalog = arg.split("=", 1)[1]
        elif arg.startswith("-"):
            return None  # --help and anything unusual: let Typer answer
        else:
            words.append(arg)
    if not words:
        return None
    return print_entry(" ".join(words), Path(catalog) if catalog else None,
                       full=argv[0] == "show", as_json=as_json)
