"""Server-rendered SVG charts: no JavaScript, no CDN, no inline style.

Every upstream string goes through `format_html` (escaped). Colours come from classes
styled in app.css (the Content-Security-Policy allows no style attribute); the fill
attributes are only a fallback. Bars and text use percentage x positions without a
viewBox, so a chart stretches to its container without distorting its text.
Each chart has a <title> and a <desc>, and each mark a <title> (a tooltip, read by
screen readers); the pages also offer the same figures as a table.

Their words are in the reader's language, their numbers with its separators, weekdays and
months as Django names them; coordinates (attributes) are never localized.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from itertools import count

from django.utils.dateformat import format as date_format
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext, pgettext

from attendance.reports.charts import Day
from teams import dates

_ids = count(1)
Unit = str | Callable[[int], str]


def number(value: float, decimals: int = 0) -> str:
    """``1,234.5`` in English, ``1.234,5`` in German."""
    return number_format(round(value, decimals), decimals, force_grouping=True)


def weekdays() -> list[str]:
    """Monday to Sunday, abbreviated in the reader's language (Django's names)."""
    return [str(WEEKDAYS_ABBR[i]) for i in range(7)]


def meetings_text(n: int) -> str:
    return ngettext("%(count)s meeting", "%(count)s meetings", n) % {"count": number(n)}


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above `value` (an axis maximum)."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        nice = step * 10**exp
        if nice >= value:
            return float(nice)
    return float(10 ** (exp + 1))


def axis_steps(top: float, most: int = 4) -> tuple[float, int]:
    """A round step (1, 2, 2.5 or 5 x 10^k) and how many of them reach `top` (at most `most`)."""
    step = nice_ceiling(top / most) if top > 0 else 1.0
    return step, max(1, math.ceil(top / step - 1e-9))


def _day(day: dt.date) -> str:
    """A day axis's label, "4 Dec" ("4. Dez"): the chart's description states the range
    with years."""
    return date_format(day, pgettext("a chart's day axis, Django date format", "j M"))


def _pct(value: float) -> str:
    return f"{value:.3f}%"


# The y axis's labels (app.css: `.y-axis text`, 11 px). Their width is estimated from their
# characters, generously: a sans-serif digit is about 0.55 em, a comma or a point 0.3 em.
TICK_FONT_PX = 11
AXIS_GAP = 6  # px between the widest label and the plot, and before the label


def label_width(text: str) -> float:
    """An upper estimate of a y-axis label's width in px."""
    return sum(0.32 if c in ",. " else 0.62 for c in text) * TICK_FONT_PX


def grid_levels(step: float, levels: int, top: float, plot: float) -> list[tuple[float, str]]:
    """Each grid line's y, bottom (0) to top, and its label."""
    return [
        (top + plot - plot * i / levels, number(step * i, 0 if step >= 1 else 1))
        for i in range(levels + 1)
    ]


def grid_lines(levels: Sequence[tuple[float, str]]) -> list[SafeString]:
    """A horizontal line across the plot at each level of `grid_levels`."""
    return [
        format_html(
            '<line class="chart-grid" x1="0" x2="100%" y1="{y}" y2="{y}" stroke="#e5e8ee"/>',
            y=f"{y:.1f}",
        )
        for y, _ in levels
    ]


def with_y_axis(levels: Sequence[tuple[float, str]], height: int, plot: SafeString) -> SafeString:
    """The plot (an <svg class="chart"> whose bars take its whole width) beside its y axis: the
    labels in an SVG of their own, as wide as the widest label, so that none overlaps the
    first bar whatever the figures (a bar's x is a percentage of the plot's width)."""
    width = math.ceil(max((label_width(t) for _, t in levels), default=0)) + 2 * AXIS_GAP
    labels = "".join(
        format_html(
            '<text class="chart-tick" x="{x}" y="{y}" text-anchor="end">{label}</text>',
            x=width - AXIS_GAP,
            y=f"{y + 4:.1f}",  # the label's middle on its grid line
            label=label,
        )
        for y, label in levels
    )
    return format_html(
        '<div class="chart-frame"><svg class="y-axis" width="{w}" height="{h}" aria-hidden="true">'
        "{labels}</svg>{plot}</div>",
        w=width,
        h=height,
        labels=mark_safe(labels),  # noqa: S308 - built with format_html above
        plot=plot,
    )


def bar_chart(
    days: Sequence[Day],
    *,
    value: Callable[[Day], float],
    title: str,
    unit: Unit,
    decimals: int = 0,
    height: int = 200,
) -> SafeString:
    """One bar per day, weekends in a lighter shade, a few horizontal grid lines. `unit` says
    what a bar counts (`amount`)."""
    uid = f"chart-{next(_ids)}"
    top, bottom = 14, 22  # room for the grid labels and the day labels
    plot = height - top - bottom
    values = [value(d) for d in days]
    step, levels = axis_steps(max(values, default=0))
    peak = step * levels
    n = max(1, len(days))
    slot = 100.0 / n
    gap = min(slot * 0.25, 0.6)
    total = sum(values)
    desc = (
        ngettext(
            "%(count)s day from %(first)s to %(last)s; %(total)s in all, "
            "at most %(most)s in a day.",
            "%(count)s days from %(first)s to %(last)s; %(total)s in all, "
            "at most %(most)s in a day.",
            len(days),
        )
        % {
            "count": len(days),
            "first": dates.day(days[0].day),
            "last": dates.day(days[-1].day),
            "total": amount(unit, total, decimals),
            "most": number(max(values, default=0), decimals),
        }
        if days
        else gettext("No day in the range.")
    )
    axis = grid_levels(step, levels, top, plot)
    grid = grid_lines(axis)
    bars = []
    label_every = max(1, math.ceil(n / 12))
    for i, (day, v) in enumerate(zip(days, values, strict=True)):
        h = plot * v / peak if peak else 0
        weekend = day.day.isoweekday() >= 6
        bars.append(
            format_html(
                '<rect class="chart-bar{cls}" x="{x}" y="{y}" width="{w}" height="{h}" rx="2"'
                ' fill="#1f6feb"><title>{tip}</title></rect>',
                cls=" is-weekend" if weekend else "",
                x=_pct(i * slot + gap / 2),
                y=f"{top + plot - h:.1f}",
                w=_pct(slot - gap),
                h=f"{h:.1f}",
                tip=f"{dates.day(day.day)}: {amount(unit, v, decimals)}",
            )
        )
        if i % label_every == 0:
            bars.append(
                format_html(
                    '<text class="chart-label" x="{x}" y="{y}" text-anchor="middle">{t}</text>',
                    x=_pct(i * slot + slot / 2),
                    y=height - 6,
                    t=_day(day.day),
                )
            )
    chart = format_html(
        '<svg class="chart" width="100%" height="{h}" role="img" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>'
        '<g aria-hidden="true">{grid}</g><g>{bars}</g></svg>',
        h=height,
        id=uid,
        title=title,
        desc=desc,
        grid=mark_safe("".join(grid)),  # noqa: S308 - built with format_html above
        bars=mark_safe("".join(bars)),  # noqa: S308
    )
    return with_y_axis(axis, height, chart)


HEAT_LEVELS = 6


def amount(unit: Unit, value: float, decimals: int = 0) -> str:
    """`value` of `unit`: a noun written after the number ("minutes"), or a function of the
    count giving ngettext's text with ``%(count)s`` (in the reader's language)."""
    text = unit(round(value)) if callable(unit) else f"%(count)s {unit}"
    return text % {"count": number(value, decimals)}


def heat_level(value: int, peak: int) -> int:
    """0 for none, else 1..5 in proportion to the busiest cell."""
    if value <= 0 or peak <= 0:
        return 0
    return max(1, math.ceil((HEAT_LEVELS - 1) * value / peak))


def heat_map(grid: Sequence[Sequence[int]], *, tz_name: str) -> SafeString:
    """Weekdays (rows) by hours (columns); a cell's shade says how many meetings started."""
    uid = f"chart-{next(_ids)}"
    cell_w, cell_h, left, top = 34, 26, 44, 22
    width, height = left + 24 * cell_w + 2, top + 7 * cell_h + 40
    peak = max((v for row in grid for v in row), default=0)
    total = sum(v for row in grid for v in row)
    busiest = ""
    names = weekdays()
    if peak:
        wd, hr = max(((w, h) for w in range(7) for h in range(24)), key=lambda c: grid[c[0]][c[1]])
        busiest = " " + gettext("The busiest hour is %(at)s with %(meetings)s.") % {
            "at": f"{names[wd]} {hr:02d}:00",
            "meetings": meetings_text(peak),
        }
    parts = []
    for h in range(0, 24, 3):
        parts.append(
            format_html(
                '<text class="chart-label" x="{x}" y="{y}" text-anchor="middle">{t}</text>',
                x=left + h * cell_w + cell_w / 2,
                y=top - 8,
                t=f"{h:02d}:00",
            )
        )
    for w, name in enumerate(names):
        parts.append(
            format_html(
                '<text class="chart-label" x="{x}" y="{y}" text-anchor="end">{t}</text>',
                x=left - 8,
                y=top + w * cell_h + cell_h / 2 + 4,
                t=name,
            )
        )
        for h in range(24):
            v = grid[w][h]
            parts.append(
                format_html(
                    '<rect class="heat heat-{lvl}" x="{x}" y="{y}" width="{cw}" height="{ch}"'
                    ' rx="3" fill="#e8eefc"><title>{tip}</title></rect>',
                    lvl=heat_level(v, peak),
                    x=left + h * cell_w + 1,
                    y=top + w * cell_h + 1,
                    cw=cell_w - 2,
                    ch=cell_h - 2,
                    tip=gettext("%(day)s %(start)s to %(end)s: %(meetings)s")
                    % {
                        "day": name,
                        "start": f"{h:02d}:00",
                        "end": f"{(h + 1) % 24:02d}:00",
                        "meetings": meetings_text(v),
                    },
                )
            )
    legend_y = top + 7 * cell_h + 16
    parts.append(
        format_html(
            '<text class="chart-label" x="{x}" y="{y}" text-anchor="end">{t}</text>',
            x=width - 8 - HEAT_LEVELS * 20 - 6,
            y=legend_y + 11,
            t=gettext("Fewer"),
        )
    )
    for lvl in range(HEAT_LEVELS):
        parts.append(
            format_html(
                '<rect class="heat heat-{lvl}" x="{x}" y="{y}" width="16" height="14" rx="3"'
                ' fill="#e8eefc"/>',
                lvl=lvl,
                x=width - 8 - (HEAT_LEVELS - lvl) * 20,
                y=legend_y,
            )
        )
    parts.append(
        format_html(
            '<text class="chart-label" x="{x}" y="{y}">{t}</text>',
            x=width - 4,
            y=legend_y + 11,
            t=gettext("More"),
        )
    )
    return format_html(
        '<svg class="chart heatmap" viewBox="0 0 {w} {h}" width="100%" role="img"'
        ' aria-labelledby="{id}-t {id}-d"><title id="{id}-t">{title}</title>'
        '<desc id="{id}-d">{all}{busiest}</desc>'
        "{parts}</svg>",
        w=width + 40,
        h=height,
        id=uid,
        title=gettext("Meetings started by weekday and hour (%(tz)s)") % {"tz": tz_name},
        all=gettext("%(meetings)s in all.") % {"meetings": meetings_text(total)},
        busiest=busiest,
        parts=mark_safe("".join(parts)),  # noqa: S308 - built with format_html above
    )


def lanes(spans: Sequence[tuple[dt.datetime, dt.datetime]]) -> list[int]:
    """A lane per span, so that spans in one lane never overlap (first free lane)."""
    ends: list[dt.datetime] = []
    out = []
    for join, stop in spans:
        lane = next((i for i, e in enumerate(ends) if e <= join), len(ends))
        if lane == len(ends):
            ends.append(stop)
        else:
            ends[lane] = stop
        out.append(lane)
    return out


def timeline(
    intervals: Sequence[tuple[dt.datetime, dt.datetime | None]],
    *,
    start: dt.datetime,
    end: dt.datetime,
    label: str,
    tz,
) -> SafeString:
    """One person's sessions in a meeting, as bars on the meeting's span [start, end].

    Overlapping sessions (a second device) are drawn on lanes of their own, so an
    overlap is visible rather than hidden under another bar.
    """
    span = max(1.0, (end - start).total_seconds())
    ordered = sorted(intervals, key=lambda i: i[0])
    spans = [(join, min(leave or end, end)) for join, leave in ordered]
    lane_of = lanes(spans)
    count = max(lane_of, default=0) + 1
    bar_h = 16 if count == 1 else max(5, 20 // count - 2)
    height = 22 if count == 1 else 4 + count * (bar_h + 2)
    bars = []
    for (join, leave), (_, stop), lane in zip(ordered, spans, lane_of, strict=True):
        x = max(0.0, (join - start).total_seconds() / span * 100)
        w = max(0.4, (stop - join).total_seconds() / span * 100)
        w = min(w, 100 - x)
        if leave:
            tip = gettext("%(join)s to %(leave)s") % {
                "join": dates.clock(join, tz),
                "leave": dates.clock(leave, tz),
            }
        else:
            tip = gettext("%(join)s to still in the meeting") % {"join": dates.clock(join, tz)}
        bars.append(
            format_html(
                '<rect class="tl-bar{cls}" x="{x}" y="{y}" width="{w}" height="{h}" rx="3"'
                ' fill="#1f6feb"><title>{tip}</title></rect>',
                cls="" if leave else " is-open",
                x=_pct(x),
                y=3 + lane * (bar_h + 2),
                w=_pct(w),
                h=bar_h,
                tip=tip,
            )
        )
    return format_html(
        '<svg class="tl" width="100%" height="{height}" role="img" aria-label="{label}">'
        '<rect class="tl-track" x="0" y="{track}" width="100%" height="2" fill="#e5e8ee"/>'
        "{bars}</svg>",
        height=height,
        track=height // 2 - 1,
        label=label,
        bars=mark_safe("".join(bars)),  # noqa: S308 - built with format_html above
    )


TICK_MINUTES = (1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 240, 360, 720, 1440)


def timeline_axis(start: dt.datetime, end: dt.datetime, tz, most: int = 7) -> SafeString:
    """Round clock times (every 5, 10, 15, 30 minutes...) along the meeting's span."""
    span = max(1.0, (end - start).total_seconds())
    step = next((m for m in TICK_MINUTES if span / (m * 60) <= most), TICK_MINUTES[-1])
    local = start.astimezone(tz)
    # The first round time at or after the start, in the team's time zone.
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    minutes = (local - midnight).total_seconds() / 60
    first = midnight + dt.timedelta(minutes=math.ceil(minutes / step) * step)
    labels = []
    at = first
    while at <= end:
        x = (at - start).total_seconds() / span * 100
        anchor = "start" if x < 4 else "end" if x > 96 else "middle"
        labels.append(
            format_html(
                '<line class="tl-tick" x1="{x}" x2="{x}" y1="15" y2="19" stroke="#c9ced8"/>'
                '<text class="chart-label" x="{x}" y="12" text-anchor="{a}">{t}</text>',
                x=_pct(x),
                a=anchor,
                t=f"{at.astimezone(tz):%H:%M}",
            )
        )
        at += dt.timedelta(minutes=step)
    return format_html(
        '<svg class="tl-axis" width="100%" height="20" aria-hidden="true">{}</svg>',
        mark_safe("".join(labels)),  # noqa: S308 - built with format_html above
    )
