"""Build the optional compiled parts of the analyzer while installing: the recorder
(``analyzer/_recorder.c``) and the passes' kernels (``analyzer/_kernels.c``).

Hatchling runs this hook for every wheel, the editable one of ``pip install -e .`` included:
the extensions go next to their sources for an editable install (the package is the source
tree) and into the wheel otherwise. They need a C compiler and Python's headers; without them
the install goes on with a warning, and the analyzer uses its pure-Python tracer and numpy
passes, which measure the same, slower (``analyzer/native.py``).

``python hatch_build.py`` compiles them in place, for a source tree whose C files changed.
"""
from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SOURCES = (ROOT / "analyzer" / "_recorder.c", ROOT / "analyzer" / "_kernels.c")


def extension_name(source: Path) -> str:
    return source.stem + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")


def compile_command(source: Path, out: Path) -> list[str]:
    """The command that compiles ``source`` into ``out``: the compiler and flags Python was built
    with (``LDSHARED``; the environment's, as setuptools, if set), every common warning on."""
    linker = os.environ.get("LDSHARED") or sysconfig.get_config_var("LDSHARED") or "cc -shared"
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return [*shlex.split(linker), "-fPIC", "-O2", "-Wall", f"-I{sysconfig.get_paths()['include']}",
            f'-DTAXO_SOURCE_DIGEST="{digest}"', str(source), "-o", str(out)]


def compile_extension(source: Path, out_dir: Path) -> Path:
    """Compile ``source`` into ``out_dir`` (``compile_command``); its path. Raises CalledProcessError
or OSError."""
    out = out_dir / extension_name(source)
    subprocess.run(compile_command(source, out), check=True, capture_output=True, text=True)
    return out


def _warn(source: Path, error: Exception) -> None:
    detail = getattr(error, "stderr", "") or str(error)
    print(f"taxo: {source.name} was not compiled ({detail.strip().splitlines()[-1] if detail.strip() else error}); "
          "the analyzer will use its pure-Python form, which is slower", file=sys.stderr)


def compile_all(out_dir: Path | None = None) -> list[Path]:
    """Compile every extension (next to its source, or into ``out_dir``); the ones built. One
    that fails is warned of and left out."""
    built = []
    for source in SOURCES:
        try:
            built.append(compile_extension(source, out_dir or source.parent))
        except (OSError, subprocess.CalledProcessError) as error:
            _warn(source, error)
    return built


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:         # run as a script, outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class RecorderBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        if version == "editable":
            compile_all()
            return
        built = compile_all(Path(tempfile.mkdtemp(prefix="taxo-extensions-")))
        for path in built:
            build_data["force_include"][str(path)] = f"analyzer/{path.name}"
        if built:
            build_data["pure_python"] = False
            build_data["infer_tag"] = True


if __name__ == "__main__":
    made = compile_all()
    print("\n".join(map(str, made)))
    sys.exit(0 if len(made) == len(SOURCES) else 1)
