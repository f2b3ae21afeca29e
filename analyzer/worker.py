"""The process boundary: analyze one probe in this (child) process and print ONE JSON object.

``python -m analyzer.worker PROBE.py [--sizes 8,16] [--claim caching] [--result-fd FD]``
prints ``{"ok": true, "result": {...}}`` (a ``Measurement`` as JSON) or
``{"ok": false, "error": "one line"}``. The analysis itself is ``analyzer.analysis.measure``.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from analyzer.analysis import measure
from analyzer.probe import ProbeError, load



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyzer.worker")
    parser.add_argument("probe")
    parser.add_argument("--sizes", default=None)
    parser.add_argument("--claim", default=None)
    parser.add_argument("--fast-memory", type=int, default=None,
                        help="bytes of fast memory for the traffic measure (default: the probe's FAST_MEMORY)")
    parser.add_argument("--result-fd", type=int, default=None,
                        help="write the JSON to this descriptor (the runner's pipe), not to stdout")
    args = parser.parse_args(argv)
    if args.result_fd is not None:      # before any probe code runs; memory is watched by the runner
        from analyzer.runner import open_result_channel
        out = open_result_channel(args.result_fd)
    else:
        out = sys.stdout
    name = args.probe.rsplit("/", 1)[-1].removesuffix(".py")
    stdout = sys.stdout
    try:
        sys.stdout = sys.stderr     # the probe's own prints must not corrupt the JSON line
        probe = load(args.probe)
        sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
        if args.fast_memory is not None and args.fast_memory < 64:
            raise ProbeError(f"--fast-memory must be at least 64 bytes (one line), not {args.fast_memory}")
        payload: dict[str, Any] = {"ok": True, "result": measure(probe, sizes, args.claim,
                                                                 fast_memory=args.fast_memory).to_json()}
    except ProbeError as e:
        payload = {"ok": False, "error": str(e)}
    except MemoryError:
        payload = {"ok": False, "error": f"probe '{name}' ran out of memory: the system refused an allocation"}
    except RecursionError:
        payload = {"ok": False, "error": f"probe '{name}' exceeded the recursion limit"}
    except SystemExit as e:
        payload = {"ok": False, "error": f"probe '{name}' called sys.exit({e.code!r})"}
    except Exception as e:  # noqa: BLE001 — an analyzer bug still yields one line
        payload = {"ok": False, "error": f"probe '{name}': analyzer failed: {type(e).__name__}: {e}"}
    finally:
        sys.stdout = stdout
    out.write(json.dumps(payload) + "\n")
    out.flush()
    if out is not stdout:
        out.close()     # EOF tells the runner the result is whole, whatever the probe left running
    return 0 if payload["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
