"""`taxo new` writes what was typed, `taxo validate FILE...` works like yamllint, and `taxo serve`
answers like a web server should (issue 15 item 8, issue 16 validate and deep links)."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from taxonomy.site.server import make_server
from taxonomy.yaml_source import read_document

from contrib_helpers import EXAMPLES, ROOT


def taxo(*args: str, cwd: Path = ROOT, **kwargs) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": str(Path(cwd) / ".cache")}
    return subprocess.run([sys.executable, "-m", "taxonomy", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=60, **kwargs)


@pytest.fixture
def catalog(tmp_path) -> Path:
    root = tmp_path / "catalog"
    root.mkdir()
    for valid in (EXAMPLES / "valid").glob("*.yaml"):
        (root / valid.name).write_bytes(valid.read_bytes())
    return root


@pytest.mark.parametrize("name", ["C++ #pragma unroll", "[WIP] tiling", "1e3", "yes", "a: b", "{x}", "*star",
                                  "!bang", "'quoted' \"twice\" \\ back"])
def test_new_writes_the_name_exactly_as_typed(catalog, name):
    result = taxo("new", name, "--catalog", str(catalog))
    assert result.returncode == 0, result.stderr
    written = [p for p in catalog.glob("*.yaml") if p.name not in ("memo-table.yaml", "loop-peeling.yaml")]
    assert len(written) == 1
    assert read_document(written[0]).data["name"] == name


@pytest.mark.parametrize("name, blamed", [("Memo table", "the name 'Memo table' gives the id 'memo-table'"),
                                          ("peeling", "the name 'peeling' is already taken"),
                                          ("Lοοp peeling", "the name 'Lοοp peeling' is already taken")])
def test_new_of_a_clash_blames_the_new_name_and_writes_nothing(catalog, name, blamed):
    before = sorted(p.name for p in catalog.iterdir())
    result = taxo("new", name, "--catalog", str(catalog))
    assert result.returncode == 1 and result.stderr.startswith(f"taxo: {blamed}")
    assert sorted(p.name for p in catalog.iterdir()) == before


def test_new_refuses_escapes_and_names_without_an_id(catalog):
    assert "control character U+001B" in taxo("new", "a\x1b]0;x\x07b", "--catalog", str(catalog)).stderr
    assert "add '记忆表' to its aliases" in taxo("new", "记忆表", "--catalog", str(catalog)).stderr


def test_validate_files_reports_only_the_named_files_against_their_catalog(catalog):
    taxo("new", "Loop tiling", "--catalog", str(catalog))
    (catalog / "broken.yaml").write_text("id: [\n", encoding="utf-8")
    result = taxo("validate", str(catalog / "loop-tiling.yaml"))
    assert result.returncode == 1
    assert {line.split(":")[0] for line in result.stdout.splitlines()[:-1]} == {
        os.path.relpath(catalog / "loop-tiling.yaml", ROOT)}
    assert "summary still holds a TODO placeholder; fill it in" in result.stdout
    assert taxo("validate", str(catalog / "memo-table.yaml")).returncode == 0  # related loop-peeling exists
    missing = taxo("validate", str(catalog / "nope.yaml"), str(catalog / "memo-table.yaml"))
    assert missing.returncode == 1 and "nope.yaml: cannot read file" in missing.stdout


@pytest.fixture
def server(tmp_path):
    site = tmp_path / "site"
    (site / "entries").mkdir(parents=True)
    (site / "entries" / "fft.html").write_text("<p>the FFT page</p>", encoding="utf-8")
    (site / "index.html").write_text("<p>index</p>", encoding="utf-8")
    server = make_server(0, site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def get(server, path: str) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read().decode("utf-8"), response.getheader("Content-Security-Policy") or ""


def test_serve_answers_entries_without_html_and_never_lists_a_folder(server):
    assert get(server, "/entries/fft")[:2] == (200, "<p>the FFT page</p>")
    for folder in ("/entries/", "/entries"):
        status, body, _ = get(server, folder)
        assert status == 404 and "fft.html" not in body.split("Did you mean")[0]


def test_serve_gives_a_404_page_with_a_search_box_and_the_nearest_entry(server):
    status, body, csp = get(server, "/entries/ftt.html")
    assert status == 404
    assert '<form action="/index.html" method="get" role="search">' in body and 'value="ftt"' in body
    assert 'href="/entries/fft.html"' in body
    assert "form-action 'self'" in csp and "script-src" not in csp
    status, body, _ = get(server, "/%3Cscript%3Ealert(1)%3C/script%3E")
    assert status == 404 and "<script>" not in body


def test_serve_logs_request_lines_with_control_characters_escaped(server, capfd):
    with socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=10) as raw:
        raw.sendall(b"GET /\x1b]0;owned\x07 HTTP/1.0\r\n\r\n")
        raw.recv(100)
    time.sleep(0.2)
    log = capfd.readouterr().err
    assert "\\x1b]0;owned\\x07" in log and "\x1b" not in log


def test_serve_queues_a_burst_of_connections(server):
    assert server.request_queue_size >= 128


def test_serve_removes_its_temporary_folder_on_sigterm(catalog, tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp), "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "taxonomy", "serve", "--port", "0", "--catalog", str(catalog)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "serving on" in process.stdout.readline() + process.stdout.readline()
        assert list(temp.iterdir()), "the site is rendered into TMPDIR"
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
    finally:
        process.kill()
    assert list(temp.iterdir()) == []
