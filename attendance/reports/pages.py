"""A page of report rows with its total, in the shape of Django's `Page`.

Reports computed in one SQL query get their total from `COUNT(*) OVER ()` in the same
query, so the (expensive) computation runs once for the page and its total.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator

from attendance.reports.filters import PER_PAGE

T = TypeVar("T")


def make_page(rows: Sequence[Any], number: int, total: int, per_page: int = PER_PAGE) -> Page:
    paginator = Paginator(range(total), per_page, allow_empty_first_page=True)
    return Page(list(rows), number, paginator)


def page_of(
    fetch: Callable[[int, int], tuple[Sequence[T], int | None]],
    number: int,
    per_page: int = PER_PAGE,
) -> Page:
    """Run `fetch(limit, offset) -> (rows, total or None when no row)` for page `number`.

    A page past the end shows the last page (a second query, only in that case).
    """
    number = max(1, number)
    rows, total = fetch(per_page, (number - 1) * per_page)
    if total is None:
        if number == 1:
            return make_page([], 1, 0, per_page)
        # Past the end: count, then fetch the last page.
        _, total = fetch(1, 0)
        total = total or 0
        last = max(1, -(-total // per_page))
        rows, _ = fetch(per_page, (last - 1) * per_page) if total else ([], 0)
        return make_page(rows, last, total, per_page)
    return make_page(rows, number, total, per_page)


def queryset_page(qs: Any, number: int, per_page: int = PER_PAGE) -> Page:
    """Django's paginator on a queryset (a COUNT then a slice); past the end → last page."""
    return Paginator(qs, per_page, allow_empty_first_page=True).get_page(number)
