"""`taxo serve`: render into a temporary directory and serve it on localhost only."""
from __future__ import annotations

import functools
import http.server
import sys
import tempfile
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        # The pages carry a CSP meta tag; the header also covers sitemap and scripts.
        from .render import CSP

        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 — the base class's name
        sys.stderr.write("%s\n" % (format % args))


def make_server(port: int, directory: Path) -> http.server.ThreadingHTTPServer:
    """A server for `directory` bound to 127.0.0.1 (port 0 picks a free one)."""
    handler = functools.partial(_Handler, directory=str(directory))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


def serve_site(port: int, catalog_root: Path | None) -> None:
    from .render import render_site

    with tempfile.TemporaryDirectory(prefix="taxo-site-") as tmp:
        report = render_site(catalog_root, Path(tmp))
        server = make_server(port, Path(tmp))
        print(f"{report}\nserving on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
