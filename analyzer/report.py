"""Terminal report of one analysis, and the table of ``--all``.

Rich renders it; piped or with NO_COLOR set, it is plain text (no colours, ASCII bars).
Only reads ``Measurement`` records: it never runs a probe.
"""
from __future__ import annotations

from typing import Any

from analyzer.measurement import SHARE_KEYS, Measurement, Priced
from analyzer.machines import seconds_text
from analyzer.record_format import rank_shares

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

COST_ROWS = (("mults", "multiplications"), ("adds", "additions"), ("other", "other flops"),
             ("flops", "flops (total)"), ("bytes", "bytes materialized"), ("calls", "calls"),
             ("launches", "array ops launched"), ("peak_bytes", "peak live bytes"),
             ("input_bytes", "input bytes read"), ("traffic", "slow-memory traffic (bytes)"))
GROWTH_COSTS = ("mults", "adds", "flops", "calls", "traffic")


def console(**kwargs: Any) -> Console:
    """A Rich console; piped output gets a fixed width so it is stable from run to run."""
    c = Console(highlight=False, **kwargs)
    if not c.is_terminal and "width" not in kwargs:
        c = Console(highlight=False, width=110, **kwargs)
    return c


def _plain(c: Console) -> bool:
    return not c.is_terminal or c.no_color


def _bar(share: float, plain: bool, width: int = 30) -> str:
    n = max(0, min(width, round(share * width)))
    return ("#" if plain else "█") * n


def _num(x: float | int | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.2f}"


def cost_table(m: Measurement, plain: bool) -> Table:
    baseline, optimized, saved = m.baseline.to_json(), m.optimized.to_json(), m.savings
    prepare = m.prepare.to_json() if m.prepare is not None else None
    table = Table(box=box.ASCII2 if plain else box.SIMPLE_HEAD, title="cost", title_justify="left")
    table.add_column("")
    table.add_column("baseline", justify="right")
    table.add_column("optimized", justify="right")
    table.add_column("saved", justify="right")
    if prepare is not None:
        table.add_column("prepare (ahead of time)", justify="right")
    for key, label in COST_ROWS:
        row = [label, _num(baseline[key]), _num(optimized[key]), _num(saved[key])]
        if prepare is not None:
            row.append(_num(prepare[key]))
        table.add_row(*row)
    return table


def attribution_table(m: Measurement, plain: bool) -> Table:
    a = m.attribution
    title = f"attribution of the {_num(a.savings)} {a.measure} saved" if a.measure else "attribution"
    table = Table(box=None, title=title, title_justify="left", show_header=False, padding=(0, 1))
    table.add_column("mechanism")
    table.add_column("share", justify="right")
    table.add_column("bar")
    for key in SHARE_KEYS:
        share = a.shares[key]
        table.add_row(key, f"{100 * share:.0f}%", _bar(share, plain))
    return table


def priced_line(p: Priced) -> str:
    """The savings in estimated time, by measure and, when there is a saving, by mechanism."""
    parts = ", ".join(f"{k} {'-' if v >= 0 else '+'}{_seconds(abs(v))}" for k, v in p.by_measure.items() if v)
    line = (f"estimated time on {p.machine} (flops, traffic and launches priced and added): "
            f"{_seconds(p.baseline)} -> {_seconds(p.optimized)}" + (f" ({parts})" if parts else ""))
    if p.saved > 0:
        line += "; the time saved: " + ", ".join(f"{k} {100 * v:.0f}%" for k, v in rank_shares(p.shares, 0.005))
    return line


def _seconds(s: float) -> str:
    return seconds_text(s, micro="us")


def growth_table(m: Measurement, plain: bool) -> Table | None:
    growth = m.growth
    if not growth:
        return None
    table = Table(box=box.ASCII2 if plain else box.SIMPLE_HEAD, title_justify="left",
                  title=f"growth exponent over sizes {', '.join(map(str, m.sizes))}")
    table.add_column("")
    for c in GROWTH_COSTS:
        table.add_column(c, justify="right")
    for version in ("baseline", "optimized"):
        table.add_row(version, *("-" if growth[version][c] is None else f"{growth[version][c]:.3f}"
                                 for c in GROWTH_COSTS))
    return table


def render(m: Measurement, out: Console | None = None) -> None:
    c = out or console()
    plain = _plain(c)
    head = f"{m.probe}: {m.doc}" if m.doc else m.probe
    c.print(Text(head, style="bold"))
    c.print(f"size {m.size} (sizes run: {', '.join(map(str, m.sizes))}; front-ends: {', '.join(m.front_ends)})")
    err = m.max_rel_error
    note = f" ({m.equivalence_note})" if m.equivalence_note else ""
    c.print(f"outputs: {m.equivalence}, max relative error "
            f"{'-' if err is None else f'{err:.3g}'}{note}")
    c.print(cost_table(m, plain))
    c.print(f"traffic through a fast memory of {m.fast_memory:,} bytes (64-byte lines, LRU)")
    uncosted = {v: dict(m.evidence[v].uncosted) for v in ("baseline", "optimized") if m.evidence[v].uncosted}
    if uncosted:
        c.print("not in the cost model (charged 1 flop per output element): " + "; ".join(
            f"{v}: " + ", ".join(f"{name} x{n}" for name, n in sorted(calls.items())) for v, calls in uncosted.items()))
    escaped = {v: m.evidence[v].escapes for v in ("baseline", "optimized") if m.evidence[v].escapes}
    if escaped:
        c.print("array values that left the trace (written into an array made outside it, such as "
                "np.empty(shape), or made a list or a plain array): " +
                ", ".join(f"{v} {n}" for v, n in escaped.items()) +
                "; work done with them afterwards is not counted, and what it returns enters as constants")
    c.print(attribution_table(m, plain))
    if m.priced is not None:
        c.print(priced_line(m.priced))
    growth = growth_table(m, plain)
    if growth is not None:
        c.print(growth)
    verdict = m.verdict + (" (in reverse)" if m.direction == "reverse" else "")
    line = Text("verdict: ", style="bold").append(verdict, style="bold cyan")
    if m.claim:
        agrees = "agrees" if m.agrees else "disagrees"
        line.append(f"   claim: {m.claim} ({agrees})", style="green" if m.agrees else "yellow")
    c.print(line)
    c.print(m.explanation)


def render_all(rows: list[tuple[str, str | None, Measurement | str]], out: Console | None = None) -> None:
    """rows: (entry, catalog category, measurement or error line)."""
    c = out or console()
    plain = _plain(c)
    table = Table(box=box.ASCII2 if plain else box.SIMPLE_HEAD)
    for col in ("entry", "the catalog's filing expects", "measured verdict", ""):
        table.add_column(col)
    for entry, category, result in rows:
        if isinstance(result, str):
            table.add_row(entry, category or "-", "ERROR", Text(result, style="red"))
            continue
        verdict = result.verdict + (" (reverse)" if result.direction == "reverse" else "")
        mark = "-" if not category else ("agree" if category == result.verdict else "disagree")
        table.add_row(entry, category or "-", verdict,
                      Text(mark, style="green" if mark == "agree" else "yellow"))
    c.print(table)
