"""Entry point of `taxo` and `python -m taxonomy`.

A bug in taxo itself still ends in one line (and exit status 2), not a traceback; set
TAXO_DEBUG=1 to see the traceback. Ctrl-C exits 130 without one.
"""
from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    try:
        from .fast import try_fast

        status = try_fast(argv)
        if status is not None:
            sys.exit(status)
        from .cli import app

        app(args=argv, prog_name="taxo")
    except KeyboardInterrupt:
        print("taxo: interrupted", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 — the last line of defence: never a traceback
        if os.environ.get("TAXO_DEBUG"):
            raise
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        print(f"taxo: internal error ({type(exc).__name__}{': ' + message if message else ''}); "
              "this is a bug in taxo: please report it with the command you ran "
              "(TAXO_DEBUG=1 shows the traceback)", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
