"""The shared partials (templates/partials/): links keep every other parameter through
{% querystring %}, a sort link starts again on the first page, and the sorted column says so
to assistive technology."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string
from django.test import RequestFactory


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
