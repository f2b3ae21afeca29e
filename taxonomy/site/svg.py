"""Inline SVG charts with no script and no style attribute (the CSP forbids inline styles):
colours come from classes in site.css, every label is escaped.

>>> "<svg" in attribution_bars([("caching", 0.75), ("unexplained", 0.25)])
True
>>> growth_plot((), {}) == ""
True
"""
from __future__ import annotations

import math
from typing import Iterable, Sequence

from markupsafe import Markup

def css_class(name: str) -> str:
    """A class for a filing or outcome of categories.yaml; anything unknown shares one neutral class."""
    from ..categories import taxonomy

    return f"c-{name}" if taxonomy().category(name) is not None else "c-other"


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def attribution_bars(shares: Sequence[tuple[str, float]], width: int = 480) -> Markup:
    """One horizontal bar per mechanism, its share of the savings written beside it.

    Shares may be negative (a mechanism that costs more in the optimized version) or
    above 1; the axis spans whatever the values need, with 0 and 100% marked.
    """
    if not shares:
        return Markup("")
    row, label_w, value_w = 26, 170, 60
    plot_w = width - label_w - value_w
    low = min(0.0, *(s for _, s in shares))
    high = max(1.0, *(s for _, s in shares))
    scale = plot_w / (high - low)
    zero = label_w + (0 - low) * scale
    height = row * len(shares) + 10
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="Share of the savings explained by each mechanism">',
             "<title>Share of the savings explained by each mechanism</title>"]
    for i, (name, share) in enumerate(shares):
        y = 5 + i * row
        x0, x1 = sorted((zero, zero + share * scale))
        parts.append(str(Markup(
            '<text class="label" x="{lx}" y="{ty}" text-anchor="end">{name}</text>'
            '<rect class="bar {cls}" x="{x}" y="{y}" width="{w}" height="{h}"/>'
            '<text class="value" x="{vx}" y="{ty}">{pct}</text>').format(
            lx=label_w - 8, ty=_num(y + row / 2 + 4), name=name, cls=css_class(name), x=_num(x0), y=y,
            w=_num(max(x1 - x0, 0.5)), h=row - 8, vx=width - value_w + 6, pct=f"{share:.0%}")))
    parts.append(f'<line class="axis" x1="{_num(zero)}" x2="{_num(zero)}" y1="0" y2="{height}"/>')
    if high >= 1:
        one = label_w + (1 - low) * scale
        parts.append(f'<line class="grid" x1="{_num(one)}" x2="{_num(one)}" y1="0" y2="{height}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _decades(low: float, high: float) -> list[float]:
    return [10.0 ** k for k in range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)]


def _tick(value: float) -> str:
    exponent = round(math.log10(value))
    return f"{value:g}" if -3 <= exponent <= 4 else f"1e{exponent}"


def growth_plot(points: Sequence[tuple[float, dict[str, float]]], exponents: dict[str, float],
                unit: str = "flops", versions: Iterable[str] = ("baseline", "optimized"),
                width: int = 480, height: int = 300) -> Markup:
    """Cost against size on log-log axes, one line per version; the slope is the exponent.

    `points` is `((size, {version: cost}), ...)`; `exponents` maps a version to its fitted
    exponent, shown in the legend. Needs two sizes or more to draw anything.
    """
    versions = [v for v in versions if sum(1 for _, c in points if v in c) >= 2]
    if len(points) < 2 or not versions:
        return Markup("")
    sizes = [s for s, _ in points]
    costs = [c[v] for _, c in points for v in versions if v in c]
    left, right, top, bottom = 64, 16, 16, 44
    xs, ys = _decades(min(sizes), max(sizes)), _decades(min(costs), max(costs))
    lx0, lx1 = math.log10(xs[0]), math.log10(xs[-1]) or 1
    ly0, ly1 = math.log10(ys[0]), math.log10(ys[-1])
    lx1, ly1 = (lx1 if lx1 > lx0 else lx0 + 1), (ly1 if ly1 > ly0 else ly0 + 1)
    px = lambda s: left + (math.log10(s) - lx0) / (lx1 - lx0) * (width - left - right)  # noqa: E731
    py = lambda c: height - bottom - (math.log10(c) - ly0) / (ly1 - ly0) * (height - top - bottom)  # noqa: E731
    title = f"{unit} against input size, log-log"
    parts = [str(Markup('<svg class="chart growth" viewBox="0 0 {w} {h}" width="100%" role="img" '
                        'aria-label="{t}"><title>{t}</title>').format(w=width, h=height, t=title))]
    for x in xs:
        parts.append(f'<line class="grid" x1="{_num(px(x))}" x2="{_num(px(x))}" y1="{top}" y2="{height - bottom}"/>'
                     f'<text class="tick" x="{_num(px(x))}" y="{height - bottom + 16}" text-anchor="middle">'
                     f"{_tick(x)}</text>")
    for y in ys:
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{_num(py(y))}" y2="{_num(py(y))}"/>'
                     f'<text class="tick" x="{left - 6}" y="{_num(py(y) + 4)}" text-anchor="end">{_tick(y)}</text>')
    parts.append(str(Markup('<text class="tick axis-label" x="{x}" y="{y}" text-anchor="middle">input size n</text>'
                            '<text class="tick axis-label" x="12" y="{my}" text-anchor="middle" '
                            'transform="rotate(-90 12 {my})">{unit}</text>').format(
        x=_num((left + width - right) / 2), y=height - 6, my=_num((top + height - bottom) / 2), unit=unit)))
    for i, version in enumerate(versions):
        line = [(px(s), py(c[version])) for s, c in points if version in c]
        path = " ".join(f"{_num(x)},{_num(y)}" for x, y in line)
        # told apart by line style and marker shape too, not by colour alone
        dash = ' stroke-dasharray="7 4"' if i % 2 else ""
        parts.append(f'<polyline class="series s-{i}" points="{path}"{dash}/>')
        if i % 2:
            parts.extend(f'<rect class="series s-{i}" x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7"/>'
                         for x, y in line)
        else:
            parts.extend(f'<circle class="series s-{i}" cx="{_num(x)}" cy="{_num(y)}" r="3.5"/>' for x, y in line)
        slope = exponents.get(version)
        legend = f"{'■' if i % 2 else '●'} {version}" + (f" ~ n^{slope:.2f}" if slope is not None else "")
        parts.append(str(Markup('<text class="legend s-{i}" x="{x}" y="{y}">{t}</text>').format(
            i=i, x=left + 8, y=top + 14 + 16 * i, t=legend)))
    parts.append("</svg>")
    return Markup("".join(parts))
