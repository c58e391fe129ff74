"""A bounded load run with mutations: many sessions at once, then every invariant checked.

    python -m bench.stress [--seconds 60] [--sessions 16] [--short]

gunicorn with 2 workers on loopback, PostgreSQL, Redis (when REDIS_URL is set, on a
database of its own that is flushed first) and the simulator. Each session views pages
and creates, re-privacies and deletes rooms, and now and then several sessions create
the same name at once; an attendance sync runs alongside. When the time is up it
checks: no 5xx; one audit event for every mutation sent (none lost); the simulator's
rooms equal the seed plus the audited creations minus the audited deletions (nothing
created twice, nothing half-written); exactly one winner per contested name; and the
sync equals the simulator's ground truth. It stops by itself, prints a summary, and
exits non-zero if an invariant fails. Traffic goes to loopback only.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from bench.harness import SIM_NOW, Harness, Profile, say

STRESS = Profile(
    "stress",
    scale=0.3,
    rooms=60,
    few_rooms=6,
    history_days=2,
    first_window_days=1,
    sample_days=0.5,
    load_seconds=1,
    reps=1,
)
PAGES = [
    "/t/bench-rest/",
    "/t/bench-rest/rooms/",
    "/t/bench-domains/rooms/",
    "/t/bench-domains/users/",
    "/t/bench-rest/audit/",
    "/t/bench-rest/attendance/meetings/",
    "/t/bench-rest/attendance/people/",
    "/t/bench-rest/attendance/sync/",
]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    sent: Counter[str] = field(default_factory=Counter)  # mutations by audit action
    server_errors: list[str] = field(default_factory=list)
    contested: list[str] = field(default_factory=list)

    def record(self, what: str, response: requests.Response, seconds: float) -> None:
        with self.lock:
            self.statuses[response.status_code] += 1
            self.latencies.append(seconds)
            if response.status_code >= 500:
                self.server_errors.append(f"{what} -> {response.status_code}")


class Session:
    """One person's browser: a logged-in cookie jar and the CSRF token."""

    def __init__(self, base: str, cookie: str, number: int, tally: Tally) -> None:
        self.base, self.number, self.tally = base, number, tally
        self.http = requests.Session()
        name, value = cookie.split("=", 1)
        self.http.cookies.set(name, value, domain=urlsplit(base).hostname)
        self.csrf = ""
        self.mine: list[str] = []
        self.created = 0

    def get(self, path: str) -> requests.Response:
        started = time.perf_counter()
        response = self.http.get(self.base + path, timeout=30, allow_redirects=False)
        self.tally.record(f"GET {path}", response, time.perf_counter() - started)
        found = re.search(r'"X-CSRFToken": "([^"]+)"', response.text)
        if found:
            self.csrf = found.group(1)
        self._keep_csrf_cookie(response)
        return response

    def _keep_csrf_cookie(self, response: requests.Response) -> None:
        """Production settings mark the CSRF cookie Secure; this run is plain HTTP on
        loopback, where a browser behind TLS would send it: send it the same way."""
        for cookie in list(self.http.cookies):
            if cookie.name == "csrftoken" and cookie.secure:
                self.http.cookies.set("csrftoken", cookie.value, domain=cookie.domain)

    def post(self, path: str, data: dict, action: str) -> requests.Response:
        started = time.perf_counter()
        response = self.http.post(
            self.base + path,
            data=data,
            headers={"X-CSRFToken": self.csrf, "Referer": self.base + "/"},
            timeout=30,
            allow_redirects=False,
        )
        self.tally.record(f"POST {path}", response, time.perf_counter() - started)
        self._keep_csrf_cookie(response)
        with self.tally.lock:
            self.tally.sent[action] += 1
        return response

    def create(self, name: str) -> None:
        self.post("/t/bench-rest/rooms/new/", {"name": name, "privacy": "public"}, "room.create")

    def step(self, rng: random.Random) -> None:
        roll = rng.random()
        if roll < 0.6:
            self.get(rng.choice(PAGES))
        elif roll < 0.8 or not self.mine:
            self.created += 1
            name = f"stress-{self.number}-{self.created}"
            self.create(name)
            self.mine.append(name)
        elif roll < 0.9:
            room = rng.choice(self.mine)
            privacy = rng.choice(["public", "private"])
            self.post(
                f"/t/bench-rest/rooms/r/{room}/privacy/", {"privacy": privacy}, "room.privacy"
            )
        else:
            room = self.mine.pop(rng.randrange(len(self.mine)))
            self.post(f"/t/bench-rest/rooms/r/{room}/delete/", {}, "room.delete")


def contest(sessions: list[Session], name: str, tally: Tally) -> None:
    """Several sessions create the same name at the same instant."""
    barrier = threading.Barrier(len(sessions))

    def go(s: Session) -> None:
        barrier.wait()
        s.create(name)

    threads = [threading.Thread(target=go, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with tally.lock:
        tally.contested.append(name)


def run(seconds: int, sessions: int, profile: Profile) -> int:
    import os

    redis_url = os.environ.get("REDIS_URL")
    with Harness(profile) as h:
        if redis_url:
            import redis

            own = redis_url.rsplit("/", 1)[0] + "/15"
            redis.Redis.from_url(own).flushdb()
            os.environ["REDIS_URL"] = own  # cache, locks and broker of the gunicorn workers
        from django.contrib.auth import get_user_model

        from attendance.models import SyncRun
        from teams.models import AuditEvent, Membership, Role

        seed_rooms = {r["name"] for r in _rooms(h)}
        people = []
        for n in range(sessions):
            user = get_user_model().objects.create_user(username=f"stress-{n}")
            for key in ("rest", "domains"):
                Membership.objects.create(user=user, team=h.team(key), role=Role.ADMIN)
            people.append(user)
        tally = Tally()
        with h.gunicorn(workers=2) as base:
            pool = [Session(base, _cookie(u), n, tally) for n, u in enumerate(people)]
            # The contests use sessions of their own: a requests.Session is one browser,
            # not to be shared between threads.
            rivals = [Session(base, _cookie(u), 100 + n, tally) for n, u in enumerate(people[:4])]
            for s in pool + rivals:
                s.get("/t/bench-rest/rooms/")  # the CSRF cookie and token, once, up front
            sync = threading.Thread(
                target=lambda: h.sync_in_child("rest", SIM_NOW.replace(hour=0, minute=0)),
                daemon=True,
            )
            deadline = time.monotonic() + seconds
            say(f"{sessions} sessions for {seconds} s, a sync alongside")
            sync.start()

            def work(s: Session) -> None:
                rng = random.Random(s.number)
                while time.monotonic() < deadline:
                    s.step(rng)

            threads = [threading.Thread(target=work, args=(s,)) for s in pool]
            for t in threads:
                t.start()
            contests = 0
            while time.monotonic() < deadline - 1:
                contest(rivals, f"stress-shared-{contests}", tally)
                contests += 1
                time.sleep(max(0.5, seconds / 10))
            for t in threads:
                t.join()
            sync.join(timeout=600)
            if redis_url:
                os.environ["REDIS_URL"] = redis_url
        return _check(h, tally, seed_rooms, AuditEvent, SyncRun)


def _cookie(user) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def _rooms(h: Harness) -> list[dict]:
    rooms, after = [], None
    while True:
        params = {"limit": 100, **({"starting_after": after} if after else {})}
        page = requests.get(
            h.sim.rest_base_url + "/rooms", params=params, headers=h.sim.rest_headers, timeout=10
        ).json()["data"]
        if not page:
            return rooms
        rooms += page
        after = page[-1]["id"]


def _check(h: Harness, tally: Tally, seed_rooms: set[str], AuditEvent, SyncRun) -> int:
    from tests.attendance.helpers import assert_matches_truth

    problems: list[str] = []
    events = Counter(
        AuditEvent.objects.filter(action__startswith="room.").values_list("action", flat=True)
    )
    for action, sent in sorted(tally.sent.items()):
        if events[action] != sent:
            problems.append(f"{action}: {sent} sent, {events[action]} audited")
    ok = AuditEvent.objects.filter(outcome="ok")
    created = set(ok.filter(action="room.create").values_list("target", flat=True))
    deleted = set(ok.filter(action="room.delete").values_list("target", flat=True))
    now = {r["name"] for r in _rooms(h)}
    expected = (seed_rooms | created) - deleted
    if now != expected:
        problems.append(f"rooms: {len(now - expected)} unexplained, {len(expected - now)} missing")
    for name in tally.contested:
        wins = ok.filter(action="room.create", target=name).count()
        if wins != 1:
            problems.append(f"{name}: {wins} successful creations")
    problems += tally.server_errors[:10]
    run = SyncRun.objects.filter(team=h.team("rest")).order_by("-started_at").first()
    try:
        assert run is not None and run.outcome == "ok", "the sync did not finish"
        assert_matches_truth(h.sim, h.team("rest"), run.window_start, run.window_end)
        sync_line = f"ok, {run.meetings_written} meetings, {run.rows_written} sessions = truth"
    except AssertionError as exc:
        problems.append(f"sync: {exc}")
        sync_line = "FAILED"
    latencies = sorted(tally.latencies)
    total = sum(tally.statuses.values())

    def p(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    print(f"requests      {total} ({dict(sorted(tally.statuses.items()))})")
    print(f"5xx           {sum(n for s, n in tally.statuses.items() if s >= 500)}")
    print(
        f"latency       p50 {p(0.5):.0f} ms, p99 {p(0.99):.0f} ms, "
        f"mean {statistics.fmean(latencies) * 1000:.0f} ms"
        if latencies
        else "latency -"
    )
    print(f"mutations     {dict(tally.sent)}; audited {dict(events)}")
    print(
        f"rooms         {len(seed_rooms)} seeded, {len(created)} created, "
        f"{len(deleted)} deleted, {len(now)} now"
    )
    print(
        f"contested     {len(tally.contested)} names, one winner each: "
        f"{'yes' if not any('successful' in p for p in problems) else 'no'}"
    )
    print(f"sync          {sync_line}")
    print(f"invariants    {'all hold' if not problems else 'BROKEN'}")
    for problem in problems:
        print(f"  - {problem}")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.stress", description=__doc__)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--sessions", type=int, default=16)
    parser.add_argument("--short", action="store_true", help="10 s, 6 sessions (CI)")
    args = parser.parse_args(argv)
    if args.short:
        return run(10, 6, STRESS)
    return run(args.seconds, args.sessions, STRESS)


if __name__ == "__main__":
    sys.exit(main())
