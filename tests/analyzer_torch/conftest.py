"""Tests of the torch front-end. Every module here starts with
``pytest.importorskip("torch", reason=TORCH_MISSING)``: without the optional extra the
whole folder is skipped, with the reason, and the core analyzer's tests still run."""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:       # plain `pytest` from anywhere finds the analyzer package
    sys.path.insert(0, str(REPO))

# probe files, loaded by the analyzer in the tests that use them, never imported by pytest
# (--doctest-modules would; they need torchvision or transformers)
collect_ignore = ["torchvision_probes", "unseen"]
