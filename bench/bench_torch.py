"""Speed of the torch tracer: `python bench/bench_torch.py [--profile]` prints the figures of one run.

Goal (issue 7): tracing a small transformer's forward pass costs <= 5x the untraced pass.
Anchors, timed in the same run: torch's FlopCounterMode and a do-nothing dispatch mode (their
added cost per op is printed; on the shared 2-core machine FlopCounterMode measured 37-88 us
per op and the do-nothing mode about 10 us, so compare within a run, not with a fixed figure).
The figures split the traced run: the do-nothing mode (the floor any TorchDispatchMode
pays), our recording on top of it, and ``finish`` (tensors -> numpy for the passes).
The passes are timed separately: they are analysis, not tracing.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.nn import functional as F  # noqa: E402
from torch.utils._python_dispatch import TorchDispatchMode  # noqa: E402

from analyzer.trace import Trace  # noqa: E402
from analyzer.tracers import run  # noqa: E402
from analyzer.analysis import passes  # noqa: E402

BATCH, SEQ, D, HEADS, LAYERS, VOCAB = 4, 64, 128, 4, 4, 512


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(D), nn.LayerNorm(D)
        self.qkv, self.proj = nn.Linear(D, 3 * D), nn.Linear(D, D)
        self.fc, self.out = nn.Linear(D, 4 * D), nn.Linear(4 * D, D)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, _ = x.shape
        q, k, v = (a.view(b, t, HEADS, D // HEADS).transpose(1, 2)
                   for a in self.qkv(self.ln1(x)).split(D, dim=2))
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(y.transpose(1, 2).reshape(b, t, D))
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class Transformer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.tok, self.pos = nn.Embedding(VOCAB, D), nn.Embedding(SEQ, D)
        self.blocks = nn.Sequential(*(Block() for _ in range(LAYERS)))
        self.ln, self.head = nn.LayerNorm(D), nn.Linear(D, VOCAB, bias=False)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        x = self.tok(idx) + self.pos(torch.arange(idx.shape[1]))
        return self.head(self.ln(self.blocks(x)))


def forward(model: nn.Module, idx: torch.Tensor) -> torch.Tensor:
    return model(idx)


class Bare(TorchDispatchMode):
    """The floor: a dispatch mode that only calls the op."""

    def __torch_dispatch__(self, func: Any, types: Any, args: tuple = (), kwargs: dict | None = None) -> Any:
        return func(*args, **(kwargs or {}))


def best(fn: Callable[[], Any], repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/bench_torch.py")
    parser.add_argument("--profile", action="store_true", help="cProfile one traced pass")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = Transformer().eval().requires_grad_(False)
    idx = torch.randint(VOCAB, (BATCH, SEQ))
    with Bare():
        model(idx)      # the first mode entry imports torch._dynamo: not per-pass cost
    run(forward, {"model": model, "idx": idx}, Trace())     # warm-up

    untraced = best(lambda: model(idx))

    def bare() -> None:
        with Bare():
            model(idx)
    bare_t = best(bare)

    from torch.utils.flop_counter import FlopCounterMode

    def flop_counter() -> None:
        with FlopCounterMode(display=False):
            model(idx)
    counter_t = best(flop_counter)

    import analyzer.tracers.torch_dispatch as td
    finish_times: list[float] = []
    real_finish = td.finish

    def timed_finish(trace: Trace) -> None:
        t0 = time.perf_counter()
        real_finish(trace)
        finish_times.append(time.perf_counter() - t0)
    td.finish = timed_finish
    traces: list[Trace] = []

    def traced() -> None:
        t = Trace()
        run(forward, {"model": model, "idx": idx}, t)
        traces[:] = [t]     # keep one: holding every repeat's values would measure page faults
    traced_t = best(traced)
    td.finish = real_finish
    finish_t = min(finish_times)

    def registration() -> None:     # wrapping the inputs: one INPUT record per parameter
        t = Trace()
        td.wrap(model, t, "model", False)
        td.wrap(idx, t, "idx", False)
        t.sessions.pop("torch", None)
    wrap_t = best(registration)

    def without_module_hooks() -> None:
        t = Trace()
        state = td.state_of(t)
        td.wrap(model, t, "model", False)
        td.wrap(idx, t, "idx", False)
        with td.TorchTracer(state):
            model(idx)
        t.sessions.pop("torch", None)
    no_hooks_t = best(without_module_hooks)
    trace = traces[-1]
    ops = sum(1 for r in trace.records if r[4] is not None)
    t0 = time.perf_counter()
    measured = passes(trace)
    passes_t = time.perf_counter() - t0

    per_op = lambda s: (s - untraced) / ops * 1e6  # noqa: E731
    print(f"model: {LAYERS} layers, d={D}, {HEADS} heads, batch {BATCH} x {SEQ} tokens, float32, "
          f"{args.threads} thread(s); {ops} aten ops, {measured.cost.flops / 1e6:.1f} MFLOP traced")
    print(f"untraced forward          {untraced * 1e3:8.2f} ms")
    print(f"do-nothing dispatch mode  {bare_t * 1e3:8.2f} ms  (+{per_op(bare_t):5.1f} us/op)")
    print(f"FlopCounterMode           {counter_t * 1e3:8.2f} ms  (+{per_op(counter_t):5.1f} us/op)")
    print(f"taxo torch tracer         {traced_t * 1e3:8.2f} ms  (+{per_op(traced_t):5.1f} us/op)  "
          f"ratio {traced_t / untraced:.2f}x   goal <= 5x")
    print(f"  where the added {(traced_t - untraced) * 1e3:.2f} ms go: dispatch-mode floor {(bare_t - untraced) * 1e3:.2f} ms, "
          f"input registration {wrap_t * 1e3:.2f} ms, module hooks {(traced_t - finish_t - no_hooks_t) * 1e3:.2f} ms, "
          f"per-op recording (incl. fresh memory: every value stays alive) {(no_hooks_t - wrap_t - bare_t) * 1e3:.2f} ms, finish (numpy) {finish_t * 1e3:.2f} ms")
    print(f"passes (analysis, not tracing): {passes_t * 1e3:.1f} ms")
    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
        traced()
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(12)
    return 0 if math.isfinite(traced_t) else 1


if __name__ == "__main__":
    sys.exit(main())
