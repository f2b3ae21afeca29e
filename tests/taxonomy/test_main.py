"""The last line of defence: a bug in taxo ends in one line, never a traceback."""
from __future__ import annotations

import pytest

import taxonomy.fast
from taxonomy.__main__ import main


def broken(argv):
    raise RuntimeError("something inside broke\nsecond line")


def test_an_internal_error_is_one_line_and_exit_status_2(monkeypatch, capsys):
    monkeypatch.setattr(taxonomy.fast, "try_fast", broken)
    monkeypatch.delenv("TAXO_DEBUG", raising=False)
    with pytest.raises(SystemExit) as done:
        main(["classify", "fft"])
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert err.count("\n") == 1 and err.startswith("taxo: internal error (RuntimeError: something inside broke)")
    assert "Traceback" not in err


def test_taxo_debug_shows_the_traceback(monkeypatch):
    monkeypatch.setattr(taxonomy.fast, "try_fast", broken)
    monkeypatch.setenv("TAXO_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["classify", "fft"])


def test_ctrl_c_exits_130_quietly(monkeypatch, capsys):
    def interrupted(argv):
        raise KeyboardInterrupt

    monkeypatch.setattr(taxonomy.fast, "try_fast", interrupted)
    with pytest.raises(SystemExit) as done:
        main(["classify", "fft"])
    assert done.value.code == 130 and capsys.readouterr().err == "taxo: interrupted\n"
