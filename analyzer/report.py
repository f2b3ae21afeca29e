"""Terminal report of one analysis, and the table of ``--all``.

Rich renders it; piped or with NO_COLOR set, it is plain text (no colours, ASCII bars).
Only reads result dicts: it never runs a probe.
"""
from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

SHARES = ("caching", "dead-code-elimination", "partial-evaluation", "inlining", "unexplained")
COST_ROWS = (("mults", "multiplications"), ("adds", "additions"), ("other", "other flops"),
             ("flops", "flops (total)"), ("bytes", "bytes materialized"), ("calls", "calls"),
             ("launches", "array ops launched"), ("peak_bytes", "peak live bytes"),
             ("input_bytes", "input bytes read"))
GROWTH_COSTS = ("mults", "adds", "flops", "calls")


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


def cost_table(result: dict[str, Any], plain: bool) -> Table:
    cost, saved = result["cost"], result["savings"]
    table = Table(box=box.ASCII2 if plain else box.SIMPLE_HEAD, title="cost", title_justify="left")
    table.add_column("")
    table.add_column("baseline", justify="right")
    table.add_column("optimized", justify="right")
    table.add_column("saved", justify="right")
    if "prepare" in cost:
        table.add_column("prepare (ahead of time)", justify="right")
    for key, label in COST_ROWS:
        row = [label, _num(cost["baseline"][key]), _num(cost["optimized"][key]), _num(saved[key])]
        if "prepare" in cost:
            row.append(_num(cost["prepare"][key]))
        table.add_row(*row)
    return table


def attribution_table(result: dict[str, Any], plain: bool) -> Table:
    a = result["attribution"]
    title = f"attribution of the {_num(a['savings'])} {a['measure']} saved" if a["measure"] else "attribution"
    table = Table(box=None, title=title, title_justify="left", show_header=False, padding=(0, 1))
    table.add_column("mechanism")
    table.add_column("share", justify="right")
    table.add_column("bar")
    for m in SHARES:
        table.add_row(m, f"{100 * a[m]:.0f}%", _bar(a[m], plain))
    return table


def growth_table(result: dict[str, Any], plain: bool) -> Table | None:
    growth = result.get("growth")
    if not growth:
        return None
    table = Table(box=box.ASCII2 if plain else box.SIMPLE_HEAD, title_justify="left",
                  title=f"growth exponent over sizes {', '.join(map(str, result['sizes']))}")
    table.add_column("")
    for c in GROWTH_COSTS:
        table.add_column(c, justify="right")
    for version in ("baseline", "optimized"):
        table.add_row(version, *("-" if growth[version][c] is None else f"{growth[version][c]:.3f}"
                                 for c in GROWTH_COSTS))
    return table


def render(result: dict[str, Any], out: Console | None = None) -> None:
    c = out or console()
    plain = _plain(c)
    head = f"{result['probe']}: {result['doc']}" if result.get("doc") else result["probe"]
    c.print(Text(head, style="bold"))
    c.print(f"size {result['size']} (sizes run: {', '.join(map(str, result['sizes']))})")
    err = result["max_rel_error"]
    note = f" ({result['equivalence_note']})" if result.get("equivalence_note") else ""
    c.print(f"outputs: {result['equivalence']}, max relative error "
            f"{'-' if err is None else f'{err:.3g}'}{note}")
    c.print(cost_table(result, plain))
    c.print(attribution_table(result, plain))
    growth = growth_table(result, plain)
    if growth is not None:
        c.print(growth)
    verdict = result["verdict"] + (" (in reverse)" if result.get("direction") == "reverse" else "")
    line = Text("verdict: ", style="bold").append(verdict, style="bold cyan")
    if result.get("claim"):
        agrees = "agrees" if result["agrees"] else "disagrees"
        line.append(f"   claim: {result['claim']} ({agrees})", style="green" if result["agrees"] else "yellow")
    c.print(line)
    c.print(result["explanation"])


def render_all(rows: list[tuple[str, str | None, dict[str, Any] | str]], out: Console | None = None) -> None:
    """rows: (entry, catalog category, result or error line)."""
    c = out or console()
    plain = _plain(c)
    table = Table(box=box.ASCII2 if plain else box.SIMPLE_HEAD)
    for col in ("entry", "catalog category", "measured verdict", ""):
        table.add_column(col)
    for entry, category, result in rows:
        if isinstance(result, str):
            table.add_row(entry, category or "-", "ERROR", Text(result, style="red"))
            continue
        verdict = result["verdict"] + (" (reverse)" if result.get("direction") == "reverse" else "")
        mark = "-" if not category else ("agree" if category == result["verdict"] else "disagree")
        table.add_row(entry, category or "-", verdict,
                      Text(mark, style="green" if mark == "agree" else "yellow"))
    c.print(table)
