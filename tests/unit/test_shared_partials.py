"""The shared partials (templates/partials/): links keep every other parameter through
{% querystring %}, a sort link starts again on the first page, and the sorted column says so
to assistive technology."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation


def _render(name: str, path: str, **context) -> str:
    request = RequestFactory().get(path)
    return render_to_string(f"partials/{name}", {"request": request, **context}, request=request)


def test_pagination_keeps_the_filters_and_changes_the_page():
    page = Paginator(range(100), 10).page(3)
    html = _render("_pagination.html", "/r/?room=a%26b&page=3&sort=-x", page=page, target="#t")
    assert 'href="?room=a%26b&amp;page=2&amp;sort=-x"' in html
    assert 'hx-get="?room=a%26b&amp;page=4&amp;sort=-x"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert "Page 3 of 10" in html and 'hx-target="#t"' in html


def test_pagination_without_a_target_is_plain_links_and_a_single_page_nothing():
    page = Paginator(range(100), 10).page(1)
    html = _render("_pagination.html", "/r/", page=page)
    assert 'href="?page=2"' in html and "hx-" not in html and 'rel="prev"' not in html
    assert _render("_pagination.html", "/r/", page=Paginator(range(5), 10).page(1)).strip() == ""


def test_pagination_keeps_given_parameters_instead_of_the_requests():
    page = Paginator(range(100), 10).page(2)
    html = _render("_pagination.html", "/r/?x=1", page=page, params=QueryDict("q=abc"))
    assert 'href="?q=abc&amp;page=1"' in html and "x=1" not in html


def test_a_sort_header_drops_the_page_and_marks_the_sorted_column():
    path = "/r/?room=a&page=4&sort=-minutes"
    sorted_ = _render(
        "_sort_header.html",
        path,
        key="-minutes",
        label="Minutes",
        current="-minutes",
        target="#t",
        num=True,
    )
    assert 'aria-sort="descending"' in sorted_ and 'class="num"' in sorted_
    assert 'href="?room=a&amp;sort=-minutes"' in sorted_ and "is-sorted" in sorted_
    other = _render(
        "_sort_header.html", path, key="room", label="Room", current="-minutes", target="#t"
    )
    assert "aria-sort" not in other and 'href="?room=a&amp;sort=room"' in other


def test_a_toggling_sort_header_reverses_the_sorted_column():
    query = QueryDict("q=x")
    ctx = {"key": "name", "label": "Name", "target": "#t", "params": query, "toggle": True}
    asc = _render("_sort_header.html", "/", current="name", **ctx)
    assert 'aria-sort="ascending"' in asc and 'href="?q=x&amp;sort=-name"' in asc
    desc = _render("_sort_header.html", "/", current="-name", **ctx)
    assert 'aria-sort="descending"' in desc and 'href="?q=x&amp;sort=name"' in desc
    unsorted = _render("_sort_header.html", "/", current="privacy", **ctx)
    assert "aria-sort" not in unsorted and 'href="?q=x&amp;sort=name"' in unsorted


def test_empty_given_parameters_are_kept_empty_not_replaced_by_the_requests():
    page = Paginator(range(100), 10).page(1)
    html = _render("_pagination.html", "/other/?x=1", page=page, params=QueryDict())
    assert 'href="?page=2"' in html


def _mirror_status(**context) -> str:
    ready = SimpleNamespace(state="ready", refreshed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    context = {"line": "rooms/list.html#mirror-line", "mirror": ready, **context}
    return _render("_mirror_status.html", "/r/", refresh_url="/r/refresh/", **context)


def test_mirror_status_gives_the_pages_line_and_refresh_now_kept_on_the_same_rows():
    html = _mirror_status(updated_just_now=True, target="#t", keep=QueryDict("q=a%26b&page=2"))
    assert 'id="mirror-status"' in html and "Updated just now." in html
    assert 'hx-post="/r/refresh/"' in html and 'hx-target="#t"' in html
    assert '<input type="hidden" name="q" value="a&amp;b">' in html
    assert '<input type="hidden" name="page" value="2">' in html
    assert "Refresh now" in html and "Try again" not in html and "alert" not in html
    plain = _mirror_status(updated_just_now=True)
    assert 'action="/r/refresh/"' in plain and "hx-" not in plain
    assert 'name="csrfmiddlewaretoken"' in plain and 'name="q"' not in plain


def test_mirror_status_a_failure_is_a_note_over_listed_rows_else_an_alert():
    note = _mirror_status(error="Daily timed out.", error_title="Listed as before.", stale=True)
    assert '<div class="alert alert-warn" role="status" id="mirror-note">' in note
    assert "Listed as before." in note and "Daily timed out." in note and "Try again" in note
    alert = _mirror_status(error="Daily timed out.", error_title="Not read.")
    assert 'role="alert"' in alert and "mirror-note" not in alert and "Try again" in alert
    queue = _mirror_status(queue_error="The worker could not be asked.", mirror_empty=True)
    assert "The worker could not be asked." in queue and "Try again" in queue


def test_mirror_status_nothing_to_refresh_while_the_first_load_starts():
    html = _mirror_status(mirror_empty=True, refreshing=True)
    assert "<form" not in html and "Refreshing…" in html


def test_mirror_status_in_german():
    with translation.override("de"):
        html = _mirror_status(updated_just_now=True, refreshing=True)
        failed = _mirror_status(error="x", error_title="y")
    assert "Jetzt aktualisieren" in html and "Wird aktualisiert …" in html
    assert "Erneut versuchen" in failed


def test_the_mirrored_lists_show_their_freshness_through_one_partial():
    """The rooms and recordings lists give their own line; the frame is the shared one."""
    root = Path(settings.BASE_DIR)
    using = []
    for path in sorted(root.glob("*/templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        assert 'translate "Refresh now"' not in text, path
        if '"partials/_mirror_status.html"' in text:
            using.append(str(path.relative_to(root)))
    assert using == [
        "recordings/templates/recordings/list.html",
        "rooms/templates/rooms/list.html",
    ], using
