"""`taxo serve`: render into a temporary folder and serve it on localhost only.

- `/entries/fft` serves `entries/fft.html`; a missing page gets a real 404 page with a search
  box and the nearest entries; folders are never listed;
- the log writes request lines with control characters escaped (a request can hold `\\x1b`);
- the listen backlog is raised (a burst of requests queues instead of stalling);
- the temporary folder is removed on Ctrl-C, on SIGTERM and on SIGHUP.
"""
from __future__ import annotations

import difflib
import functools
import html
import http.server
import io
import os
import re
import signal
import sys
import tempfile
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from ..control_chars import one_line

# The 404 page's form submits a search to the index, which the site's CSP (form-action 'none') forbids.
NOT_FOUND_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
                 "form-action 'self'")


class SiteServer(http.server.ThreadingHTTPServer):
    """A threading server whose listen queue holds a burst of requests (the default is 5)."""

    request_queue_size = 128
    daemon_threads = True


class _Handler(http.server.SimpleHTTPRequestHandler):
    csp: str | None = None  # per response; the site's CSP unless set

    def end_headers(self) -> None:
        # The pages carry a CSP meta tag; the header also covers sitemap and scripts.
        from .render import CSP

        self.send_header("Content-Security-Policy", self.csp or CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def translate_path(self, path: str) -> str:
        """`/entries/fft` is `/entries/fft.html` when only the page exists."""
        local = super().translate_path(path)
        if not os.path.exists(local) and os.path.isfile(local + ".html"):
            return local + ".html"
        return local

    def send_head(self):
        local = self.translate_path(self.path)
        if os.path.isdir(local) and not os.path.isfile(os.path.join(local, "index.html")):
            self.send_error(HTTPStatus.NOT_FOUND)  # a folder is never listed
            return None
        return super().send_head()

    def list_directory(self, path):  # noqa: ARG002 - the base class's signature
        self.send_error(HTTPStatus.NOT_FOUND)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != HTTPStatus.NOT_FOUND:
            super().send_error(code, message, explain)
            return
        body = not_found_page(self.path, Path(self.directory)).encode("utf-8")
        self.csp = NOT_FOUND_CSP
        self.send_response(code, "Not Found")
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        sys.stderr.write("%s\n" % one_line(format % args))


def not_found_page(request_path: str, site: Path) -> str:
    """A 404 page: what was asked for, a search box filled with its words, the nearest entries."""
    path = unquote(urlsplit(request_path).path)[:300]
    stem = Path(path).name.removesuffix(".html")
    words = " ".join(re.split(r"[-_\s.]+", stem)).strip()
    entries = sorted(p.stem for p in (site / "entries").glob("*.html"))
    nearest = difflib.get_close_matches(stem.lower(), entries, n=3, cutoff=0.5)
    nearest += [e for e in entries if len(stem) >= 3 and stem.lower() in e and e not in nearest][:3 - len(nearest)]
    links = "".join(f'<li><a href="/entries/{quote(e)}.html">{html.escape(e)}</a></li>' for e in nearest)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not found · taxo</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body>
<header class="site"><a class="brand" href="/index.html">taxo</a></header>
<main id="main">
<h1>No page at <code>{html.escape(one_line(path))}</code></h1>
<form action="/index.html" method="get" role="search">
<label for="q">Search the catalog</label>
<input id="q" name="q" type="search" value="{html.escape(words, quote=True)}" autofocus>
<button type="submit">Search</button>
</form>
{f"<p>Did you mean:</p><ul>{links}</ul>" if links else ""}
<p><a href="/index.html">All entries</a></p>
</main>
</body>
</html>
"""


def make_server(port: int, directory: Path) -> SiteServer:
    """A server for `directory` bound to 127.0.0.1 (port 0 picks a free one)."""
    handler = functools.partial(_Handler, directory=str(directory))
    return SiteServer(("127.0.0.1", port), handler)


def _stop(signum, frame) -> None:  # noqa: ARG001 - a signal handler's signature
    raise KeyboardInterrupt


def serve_site(port: int, catalog_root: Path | None) -> None:
    """Render the catalog into a temporary folder and serve it until Ctrl-C, SIGTERM or SIGHUP.

    Everything, the half-rendered site included, lives in one temporary folder that is removed
    however the server stops (short of SIGKILL).
    """
    from .render import render_site

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if sig}
    try:
        with tempfile.TemporaryDirectory(prefix="taxo-site-") as tmp:
            site = Path(tmp) / "site"
            report = render_site(catalog_root, site)
            server = make_server(port, site)
            print(f"{report}\nserving on http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass
            finally:
                server.server_close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
