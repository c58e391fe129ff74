"""The 12 months' participant-minutes as an SVG bar chart, drawn as the reports' charts are
(`attendance.reports.svg`: its axis steps and number format, its y axis beside the plot,
its CSS classes, a <title> and <desc>, a tooltip per bar, every string escaped by
format_html)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

from attendance.reports.svg import (
    Unit,
    amount,
    axis_steps,
    grid_levels,
    grid_lines,
    number,
    with_y_axis,
)

_ids = count(1)


def month_chart(
    bars: Sequence[tuple[str, str, float]],
    *,
    title: str,
    unit: Unit,
    height: int = 200,
) -> SafeString:
    """One bar per (short label, long label, value); `unit` says what a bar counts
    (`attendance.reports.svg.amount`)."""
    uid = f"usage-chart-{next(_ids)}"
    top, bottom = 14, 22
    plot = height - top - bottom
    values = [v for _, _, v in bars]
    step, levels = axis_steps(max(values, default=0))
    peak = step * levels
    n = max(1, len(bars))
    slot = 100.0 / n
    gap = min(slot * 0.25, 2.0)
    desc = (
        ngettext(
            "%(count)s month from %(first)s to %(last)s; %(total)s in all, "
            "at most %(most)s in a month.",
            "%(count)s months from %(first)s to %(last)s; %(total)s in all, "
            "at most %(most)s in a month.",
            len(bars),
        )
        % {
            "count": len(bars),
            "first": bars[0][1],
            "last": bars[-1][1],
            "total": amount(unit, sum(values)),
            "most": number(max(values)),
        }
        if bars
        else gettext("No month.")
    )
    axis = grid_levels(step, levels, top, plot)
    grid = grid_lines(axis)
    marks = []
    for i, (short, long, v) in enumerate(bars):
        h = plot * v / peak if peak else 0
        marks.append(
            format_html(
                '<rect class="chart-bar" x="{x}%" y="{y}" width="{w}%" height="{h}" rx="2"'
                ' fill="#1f6feb"><title>{tip}</title></rect>'
                '<text class="chart-label" x="{cx}%" y="{ly}" text-anchor="middle">{t}</text>',
                x=f"{i * slot + gap / 2:.3f}",
                y=f"{top + plot - h:.1f}",
                w=f"{slot - gap:.3f}",
                h=f"{h:.1f}",
                tip=f"{long}: {amount(unit, v)}",
                cx=f"{i * slot + slot / 2:.3f}",
                ly=height - 6,
                t=short,
            )
        )
    chart = format_html(
        '<svg class="chart" width="100%" height="{h}" role="img" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<g aria-hidden="true">{grid}</g><g>{marks}</g></svg>',
        h=height,
        id=uid,
        title=title,
        desc=desc,
        grid=mark_safe("".join(grid)),  # noqa: S308 - built with format_html above
        marks=mark_safe("".join(marks)),  # noqa: S308
    )
    return with_y_axis(axis, height, chart)
