"""7. Rooms page at scale: the list read from the mirror, against a minimal logged-in page.

A REST team with `ROOMS` rooms in its mirror (100,000 on a full run), written straight
into the table (no Daily: the fill has its own benchmark), then vacuumed as autovacuum
would soon after such a load, with the trigrams of the names that a trigger keeps
(`rooms.name_grams`). gunicorn with 2 workers serves the pages, loaded with 2
connections as in the pages benchmark. The baseline is the password change page (a
logged-in page of the same base template, with no data), measured before and after.

Figures: the rooms page's p50 as a ratio of the baseline's (target <= 3), for the first
page, each sort the other way round, a deep page (page 1,990 of 2,000: from the mark of
room 99,000 in the sort's index) and searches; the p99 of a search of one letter (no
trigram: the index of names is walked), of a common word and of a rare name; the p50 of
each search's count, which the page loads after it is shown when the search has more
than one page (rooms:count, a request of its own); and Daily calls per view, counted by
the simulator the team points to over every request measured (target 0).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import requests

from bench import load
from bench.harness import Harness, HarnessError, say
from bench.results import Row, at_most, ratio_at_most

NAME = "rooms_page"
ROOMS = {"full": 100_000, "short": 500}
CONNECTIONS = 2
WARM_UP = 3
HTMX = {"HX-Request": "true"}
WORDS = ("standup", "sales", "interview", "demo", "support", "class", "review", "sync")


def _fill(h: Harness, rooms: int):
    """The team and its mirror of `rooms` rooms, READY and refreshed now."""
    from django.db import connection
    from django.utils import timezone

    from rooms.models import MirroredRoom, MirrorState, RoomMirror

    team = h.add_team("rooms-page", h.sim, "rest")
    rnd = random.Random(13)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    now = timezone.now()
    privacies = ("public", "private")

    def rows():
        for i in range(rooms):
            name = f"{rnd.choice(WORDS)}-{i:06d}-{rnd.randrange(16**4):04x}"
            yield MirroredRoom(
                team=team,
                name=name,
                daily_id=f"{i:08x}-0000-4000-8000-000000000000",
                privacy=rnd.choice(privacies),
                created_at=base + timedelta(seconds=rnd.randrange(60_000_000)),
                url=f"https://{h.sim.rest_domain}.daily.co/{name}",
                config={},
                seen_at=now,
            )

    say(f"rooms page: {rooms:,} mirrored rooms")
    MirroredRoom.objects.bulk_create(rows(), batch_size=5000)
    RoomMirror.objects.update_or_create(
        team=team,
        defaults={"state": MirrorState.READY, "refreshed_at": now, "filled_at": now},
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) rooms_mirroredroom")
        # The trigrams of the names in name order (rooms.name_grams), kept by a trigger.
        cursor.execute("VACUUM (ANALYZE) rooms_mirroredroom_grams")
    return team


def _check(url: str, cookie: str, must_show: str, headers: dict[str, str] | None = None) -> None:
    response = requests.get(
        url, headers={"Cookie": cookie, **(headers or {})}, allow_redirects=False, timeout=60
    )
    if response.status_code != 200 or must_show not in response.text:
        raise HarnessError(
            f"{url} answered {response.status_code} without {must_show!r}: {response.text[:300]!r}"
        )


def run(h: Harness) -> list[Row]:
    rooms = ROOMS[h.profile.name]
    team = _fill(h, rooms)
    cookie = h.session_cookie()
    seconds = h.profile.load_seconds
    list_path = f"/t/{team.slug}/rooms/"
    count_path = f"/t/{team.slug}/rooms/count/"
    deep = max(1, rooms // 50 - 10)
    pages = [
        ("first page", "", f"{rooms:,} rooms."),
        ("by name, descending", "?sort=-name", f"{rooms:,} rooms."),
        ("by creation, newest first", "?sort=-created", f"{rooms:,} rooms."),
        ("by privacy, descending", "?sort=-privacy", f"{rooms:,} rooms."),
        (f"deep page ({deep:,})", f"?page={deep}", f"Page {deep} of"),
    ]
    searches = [
        ("search of one letter", "?q=y", "match"),
        ("search of a common word", "?q=sales", "match"),
        ("search of a rare name", "?q=000123", "match"),
    ]
    with h.gunicorn(workers=2) as base:
        for _label, query, must_show in pages + searches:
            _check(base + list_path + query, cookie, must_show)
        for _label, query, _must_show in searches:
            _check(base + count_path + query, cookie, "rooms match", HTMX)
            for _ in range(WARM_UP):
                requests.get(base + list_path + query, headers={"Cookie": cookie}, timeout=60)
        _check(base + "/account/password/", cookie, "Change password")

        def measure(label: str, path: str, headers: dict[str, str] | None = None) -> load.Load:
            say(f"rooms page: {label}, {seconds} s, {CONNECTIONS} connections")
            result = load.run(base + path, cookie, seconds, CONNECTIONS, h.tmp, headers)
            if result.errors:
                raise HarnessError(f"{label}: {result.errors} failed requests under load")
            return result

        before = measure("baseline", "/account/password/")
        h.sim.clear_request_counts()
        loads = [(label, measure(label, list_path + q)) for label, q, _ in pages + searches]
        # A search of more than a page is counted after its page is shown (htmx asks
        # rooms:count): each count is a request of its own.
        counts = [
            (label, measure(f"{label}, its count", count_path + q, HTMX))
            for label, q, _ in searches
        ]
        daily = sum(n for route, n in h.sim.request_counts().items() if "/_sim/" not in route)
        after = measure("baseline", "/account/password/")

    p50 = (before.p50_ms + after.p50_ms) / 2
    views = sum(result.requests for _label, result in loads + counts)
    rows = [
        Row(
            NAME,
            "password change page (the baseline) p50",
            p50,
            None,
            "ms",
            note=f"{before.p50_ms:.1f} ms before, {after.p50_ms:.1f} ms after the rooms pages",
        ),
        Row(
            NAME,
            f"Daily calls per view of the rooms page, {rooms:,} rooms",
            daily / max(1, views),
            None,
            "calls",
            at_most(0, "calls"),
            note=f"{daily} calls over {views:,} views",
        ),
    ]
    for label, result in loads:
        search = label.startswith("search")
        rows.append(
            Row(
                NAME,
                f"rooms page, {rooms:,} rooms, {label} p50",
                result.p50_ms,
                p50,
                "ms",
                ratio_at_most(3),
                note=f"{result.per_second:,.1f} requests/s, {result.requests:,} requests",
            )
        )
        if search:
            rows.append(
                Row(NAME, f"rooms page, {rooms:,} rooms, {label} p99", result.p99_ms, None, "ms")
            )
    for label, result in counts:
        rows.append(
            Row(
                NAME,
                f"rooms page, {rooms:,} rooms, {label}: its count, loaded after the page, p50",
                result.p50_ms,
                p50,
                "ms",
                note=f"{result.per_second:,.1f} requests/s, {result.requests:,} requests",
            )
        )
    return rows
