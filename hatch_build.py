"""Build the optional compiled recorder (``analyzer/_recorder.c``) while installing.

Hatchling runs this hook for every wheel, the editable one of ``pip install -e .`` included:
the extension goes next to its source for an editable install (the package is the source
tree) and into the wheel otherwise. It needs a C compiler and Python's headers; without them
the install goes on with a warning, and the analyzer uses its pure-Python tracer, which records
the same traces, slower (``analyzer/recorder.py``).

``python hatch_build.py`` compiles it in place, for a source tree whose C file changed.
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
SOURCE = ROOT / "analyzer" / "_recorder.c"


def extension_name() -> str:
    return "_recorder" + (sysconfig.get_config_var("EXT_SUFFIX") or ".so")


def compile_recorder(out_dir: Path) -> Path:
    """Compile the recorder into ``out_dir`` with the compiler and flags Python was built with
(``LDSHARED``; the environment's, as setuptools, if set); its path. Raises CalledProcessError
or OSError."""
    linker = os.environ.get("LDSHARED") or sysconfig.get_config_var("LDSHARED") or "cc -shared"
    digest = hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    out = out_dir / extension_name()
    command = [*shlex.split(linker), "-fPIC", "-O2", "-Wall", f"-I{sysconfig.get_paths()['include']}",
               f'-DTAXO_SOURCE_DIGEST="{digest}"', str(SOURCE), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True, text=True)
    return out


def _warn(error: Exception) -> None:
    detail = getattr(error, "stderr", "") or str(error)
    print(f"taxo: the compiled recorder was not built ({detail.strip().splitlines()[-1] if detail.strip() else error}); "
          "the analyzer will use its pure-Python tracer, which is slower", file=sys.stderr)


try:
    from hatchling.builders.hooks.plugin.interface import BuildHookInterface
except ImportError:         # run as a script, outside a build
    BuildHookInterface = object  # type: ignore[assignment,misc]


class RecorderBuildHook(BuildHookInterface):  # type: ignore[misc]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel":
            return
        try:
            if version == "editable":
                compile_recorder(SOURCE.parent)
                return
            built = compile_recorder(Path(tempfile.mkdtemp(prefix="taxo-recorder-")))
        except (OSError, subprocess.CalledProcessError) as error:
            _warn(error)
            return
        build_data["force_include"][str(built)] = f"analyzer/{built.name}"
        build_data["pure_python"] = False
        build_data["infer_tag"] = True


if __name__ == "__main__":
    try:
        print(compile_recorder(SOURCE.parent))
    except (OSError, subprocess.CalledProcessError) as error:
        _warn(error)
        sys.exit(1)
