"""Small server-rendered SVG charts of a participant's call quality over the meeting.

The project's chart rules (attendance/reports/svg.py): no JavaScript, no inline style,
classes styled in app.css, a <title> and a <desc> on each chart, every string escaped by
`format_html`. A sparkline stretches with its cell (viewBox, no aspect ratio); the threshold
of "poor" is a dashed line, so a glance shows when a participant crossed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import count

from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, ngettext

_ids = count(1)
WIDTH, HEIGHT = 200, 40


def sparkline(
    points: Sequence[tuple[float, float | None]],
    *,
    span: float,
    threshold: float,
    title: str,
    unit: str,
) -> SafeString:
    """`points` are (seconds since the start, value or None); `span` is the x range."""
    values = [(t, v) for t, v in points if v is not None]
    uid = f"quality-{next(_ids)}"
    if not values:
        return format_html('<span class="muted">{}</span>', gettext("no samples"))
    top = max(max(v for _t, v in values), threshold * 1.5)
    width = span or 1.0

    def y(v: float) -> float:
        return HEIGHT - 2 - (HEIGHT - 4) * min(v, top) / top

    coords = " ".join(f"{WIDTH * t / width:.1f},{y(v):.1f}" for t, v in values)
    over = sum(1 for _t, v in values if v > threshold)
    peak = max(v for _t, v in values)
    desc = ngettext(
        "%(count)s sample; highest %(peak)s %(unit)s; %(over)s above the %(limit)s %(unit)s line.",
        "%(count)s samples; highest %(peak)s %(unit)s; %(over)s above the %(limit)s %(unit)s line.",
        len(values),
    ) % {
        "count": len(values),
        "peak": number_format(round(peak, 1), 1, force_grouping=True),
        "unit": unit,
        "over": over,
        "limit": f"{threshold:g}".replace(".", get_format("DECIMAL_SEPARATOR")),
    }
    line = format_html(
        '<line class="quality-threshold" x1="0" x2="{w}" y1="{ty}" y2="{ty}" stroke="#d1242f"'
        ' stroke-dasharray="4 3" vector-effect="non-scaling-stroke"/>',
        w=WIDTH,
        ty=f"{y(threshold):.1f}",
    )
    path = format_html(
        '<polyline class="quality-line" points="{pts}" fill="none" stroke="#1f6feb"'
        ' vector-effect="non-scaling-stroke"/>',
        pts=coords,
    )
    return format_html(
        '<svg class="quality-spark" width="100%" height="{h}" viewBox="0 0 {w} {h}"'
        ' preserveAspectRatio="none" role="img" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{line}{path}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=uid,
        title=title,
        desc=desc,
        line=mark_safe(line),  # noqa: S308 - built with format_html above
        path=mark_safe(path),  # noqa: S308
    )
