"""Charts and the tolerant reading of the analyzer's stored result."""
from __future__ import annotations

import re

from taxonomy.site.measurement import measurement_view
from taxonomy.site.svg import attribution_bars, growth_plot


def test_bars_are_proportional_and_labels_escaped():
    svg = attribution_bars([("caching", 0.75), ("<script>", 0.25)])
    widths = [float(w) for w in re.findall(r'<rect class="bar [^"]+" x="[^"]+" y="[^"]+" width="([^"]+)"', svg)]
    assert abs(widths[0] / widths[1] - 3) < 0.05
    assert "&lt;script&gt;" in svg and "<script" not in svg
    assert "75%" in svg and "25%" in svg


def test_negative_shares_draw_left_of_zero():
    svg = attribution_bars([("caching", 1.0), ("inlining", -0.5)])
    zero = float(re.search(r'<line class="axis" x1="([^"]+)"', svg).group(1))
    xs = [float(x) for x in re.findall(r'<rect class="bar [^"]+" x="([^"]+)"', svg)]
    assert xs[0] == zero and xs[1] < zero


def test_growth_plot_slope_matches_the_exponent_on_log_axes():
    points = tuple((n, {"baseline": n ** 2, "optimized": n}) for n in (10, 100, 1000))
    svg = growth_plot(points, {"baseline": 2.0, "optimized": 1.0})
    lines = re.findall(r'<polyline class="series s-\d" points="([^"]+)"', svg)
    slopes = []
    for line in lines:
        (x0, y0), (x1, y1) = [tuple(map(float, p.split(","))) for p in line.split()[::2]]
        slopes.append((y0 - y1) / (x1 - x0))
    assert abs(slopes[0] / slopes[1] - 2) < 0.05     # n^2 climbs twice as steeply as n
    assert "n^2.00" in svg


def test_growth_needs_two_sizes():
    assert growth_plot(((16, {"baseline": 10}),), {}) == ""


def test_no_record_no_view():
    assert measurement_view(None) is None


def test_a_view_shows_the_nonzero_shares_in_mechanism_order_and_the_growth_points():
    from analyzer.analysis import measure
    from analyzer.probe import catalog_probe_path, load

    record = measure(load(catalog_probe_path("fft")), (16, 32))
    view = measurement_view(record)
    assert dict(view.shares) == {k: v for k, v in record.attribution.shares.items() if v != 0}
    assert [size for size, _ in view.points] == [16.0, 32.0]
    assert view.points[-1][1]["baseline"] == record.baseline.flops
    assert view.growth["baseline"]["mults"] == record.growth["baseline"]["mults"]
