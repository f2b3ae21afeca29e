"""The catalog as a static website: `render_site` writes it, `serve` shows it on localhost.

Jinja2 and markdown-it are imported only when a site is rendered, so `taxo classify`
stays fast.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .render import RenderReport

__all__ = ["render_site", "serve"]


def render_site(catalog_root: Path | None, out_dir: Path, **options) -> RenderReport:
    """Write the site for `catalog_root` (None: the bundled catalog) into `out_dir`.

    Example: render_site(None, Path("site")) then open site/index.html.
    """
    from .render import render_site as render

    return render(catalog_root, Path(out_dir), **options)


def serve(port: int, catalog_root: Path | None) -> None:
    """Render into a temporary directory and serve it on http://127.0.0.1:PORT/ until Ctrl-C."""
    from .server import serve_site

    serve_site(port, catalog_root)
