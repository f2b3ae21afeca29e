"""`taxo classify` and `taxo show` without Typer, Rich or PyYAML on the path (see bench/)."""
from __future__ import annotations

import sys
from pathlib import Path

from .control_chars import one_line
from .paths import default_catalog


def print_entry(query: str, catalog: Path | None, *, full: bool, as_json: bool) -> int:
    """Print one entry (card or JSON); on no match print one line, with suggestions, and return 1."""
    from .index import EntryFinder

    catalog = catalog or default_catalog()
    if not catalog.is_dir():
        print(f"taxo: catalog directory not found: {catalog}; pass --catalog PATH", file=sys.stderr)
        return 1
    finder = EntryFinder(catalog)
    data, suggestions = finder.find(query)
    shown = one_line(query)
    if data is None:
        if suggestions:
            names = []
            for ident in suggestions:
                names.append(f"{ident} ({one_line(finder.name_of(ident))})")
            print(f"taxo: no entry '{shown}'; did you mean: {', '.join(names)}?", file=sys.stderr)
        else:
            print(f"taxo: no entry matches '{shown}'; try `taxo search {shown}` or `taxo list`", file=sys.stderr)
        for name, reason in sorted(finder.refused.items()):
            print(f"taxo: skipped {one_line(str(catalog / name))}: {reason}", file=sys.stderr)
        return 1
    from .entry_view import render_entry
    from .json_views import dumps, entry_json
    from .measured import results
    from .model import Entry
    from .terminal import use_color, width

    path = catalog / f"{data.get('id')}.yaml"
    entry = Entry.from_dict(data, str(path))
    try:
        measured = results(entry, full=as_json)
        if as_json:
            text = dumps(entry_json(entry, measured)) + "\n"
        else:
            text = render_entry(entry, full=full, color=use_color(), columns=width(), measured=measured)
    except Exception as exc:  # an entry that does not validate may not render; never a traceback
        print(f"taxo: cannot show {one_line(str(path))} ({type(exc).__name__}); "
              f"run `taxo validate {one_line(str(path))}` and fix what it reports", file=sys.stderr)
        return 1
    sys.stdout.write(text)
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
