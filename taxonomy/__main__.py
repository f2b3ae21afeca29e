"""Entry point of `taxo` and `python -m taxonomy`."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    from .fast import try_fast

    status = try_fast(argv)
    if status is not None:
        sys.exit(status)
    from .cli import app

    app(args=argv, prog_name="taxo")


if __name__ == "__main__":
    main()
