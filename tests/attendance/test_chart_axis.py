"""Bar charts: the y axis's labels sit in a column of their own, as wide as the widest label,
left of the plot whose first bar starts at its left edge; no label overlaps a bar."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from attendance.reports.charts import Day
from attendance.reports.svg import AXIS_GAP, bar_chart, label_width
from usage.chart import month_chart


def _days(values: list[int]) -> list[Day]:
    start = dt.date(2026, 11, 2)
    return [Day(start + dt.timedelta(days=i), 1, v * 60) for i, v in enumerate(values)]


def _axis(svg: str) -> tuple[int, list[tuple[float, str]]]:
    width = int(re.search(r'<svg class="y-axis" width="(\d+)"', svg).group(1))
    labels = [
        (float(x), text)
        for x, text in re.findall(r'<text class="chart-tick" x="([\d.]+)"[^>]*>([^<]+)<', svg)
    ]
    return width, labels


@pytest.mark.parametrize("peak", [3, 95, 4_800, 240_000, 3_500_000])
def test_every_axis_label_fits_left_of_the_first_bar(peak):
    svg = str(
        bar_chart(_days([peak, 0, peak // 2]), value=lambda d: d.minutes, title="t", unit="min")
    )
    width, labels = _axis(svg)
    assert labels and labels[-1][1] != "0"  # the top label is the largest
    # The axis comes first, then the plot, whose first bar starts at 0 % of its width.
    assert svg.index('class="y-axis"') < svg.index('<svg class="chart"')
    first_bar = re.search(r'<rect class="chart-bar[^"]*" x="([\d.]+)%"', svg)
    assert first_bar is not None and float(first_bar.group(1)) < 1
    for x, text in labels:
        # text-anchor="end" at x: the label spans x - its width .. x, inside the axis.
        assert x - label_width(text) >= 0, text
        assert x + AXIS_GAP <= width, text


def test_the_axis_grows_with_its_widest_label():
    narrow = _axis(str(bar_chart(_days([3]), value=lambda d: d.minutes, title="t", unit="min")))
    wide = _axis(str(bar_chart(_days([240_000]), value=lambda d: d.minutes, title="t", unit="min")))
    assert wide[0] > narrow[0]
    assert "300,000" in [text for _, text in wide[1]]


def test_the_usage_chart_has_the_same_axis():
    svg = str(month_chart([("Nov", "November 2026", 1_234_567.0)], title="t", unit="min"))
    width, labels = _axis(svg)
    assert labels and all(x - label_width(t) >= 0 and x + AXIS_GAP <= width for x, t in labels)
