"""The charts page in a browser: no y-axis label overlaps the first bar, on a desktop and a
phone screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from attendance.sync import sync_team
from teams.models import Team
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# Per chart: the right edge of its widest y-axis label and the left edge of its first bar.
EDGES = """() => Array.from(document.querySelectorAll(".chart-frame")).map((frame) => {
  const labels = Array.from(frame.querySelectorAll(".y-axis text"));
  const bar = frame.querySelector("svg.chart rect.chart-bar");
  return {
    labels: labels.map((t) => t.textContent),
    right: Math.max(...labels.map((t) => t.getBoundingClientRect().right)),
    left: Math.min(...labels.map((t) => t.getBoundingClientRect().left)),
    frame: frame.getBoundingClientRect().left,
    bar: bar.getBoundingClientRect().left,
  };
})"""


@pytest.mark.parametrize("width", [1200, 390])
def test_no_axis_label_overlaps_the_first_bar(demo, page, width):
    sync_team(Team.objects.get(slug="demo-rest"), since=timezone.now() - timedelta(days=7))
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/attendance/charts/")
    charts = page.evaluate(EDGES)
    assert len(charts) == 2  # meetings and minutes per day
    for chart in charts:
        assert len(chart["labels"]) >= 2, chart
        assert chart["right"] < chart["bar"], chart  # left of the first bar
        assert chart["left"] >= chart["frame"], chart  # and not cut off on the left
