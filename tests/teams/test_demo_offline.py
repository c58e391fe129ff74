"""No page of the demo asks the browser for a picture, a stylesheet or a script from
another host: the demo runs offline and tells no third party about its users."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model

from rooms import mirror
from teams.demo import set_up_demo

pytestmark = pytest.mark.django_db

# The machine itself: the page's own host and the simulator, which serves the pictures.
LOCAL = {"testserver", "127.0.0.1", "localhost", "::1"}
PAGES = (
    "/t/demo-team/",
    "/t/demo-team/users/",
    "/t/demo-team/rooms/",
    "/t/demo-rest/",
    "/t/demo-rest/users/",
    "/t/demo-rest/rooms/",
    "/t/demo-rest/rooms/r/customer-onboarding/",
    "/t/demo-rest/settings/",
    "/t/demo-rest/settings/members/",
    "/t/demo-rest/audit/",
    "/t/demo-rest/attendance/sync/",
)


class Fetched(HTMLParser):
    """The URLs a browser would fetch by itself: img/source/script src, srcset, link href."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("img", "source", "script", "iframe", "video", "audio") and values.get("src"):
            self.urls.append(values["src"] or "")
        for candidate in (values.get("srcset") or "").split(","):
            if candidate.strip():
                self.urls.append(candidate.split()[0])
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"] or "")
        if tag == "image" and (values.get("href") or values.get("xlink:href")):
            self.urls.append(values.get("href") or values.get("xlink:href") or "")


def _outside(html: str) -> list[str]:
    parser = Fetched()
    parser.feed(html)
    return [
        url
        for url in parser.urls
        if urlsplit(url).scheme in ("http", "https", "")
        and urlsplit(url).netloc
        and urlsplit(url).hostname not in LOCAL
    ]


def test_the_scan_sees_a_picture_on_another_host():
    assert _outside('<img src="https://www.gravatar.com/avatar/x">') == [
        "https://www.gravatar.com/avatar/x"
    ]
    assert _outside('<img srcset="//cdn.example.com/a.png 2x">') == ["//cdn.example.com/a.png"]
    assert _outside('<img src="http://127.0.0.1:8001/_sim/avatars/x.svg">') == []


def test_no_demo_page_fetches_from_another_host(client, fast_sim):
    for team in set_up_demo(fast_sim.url):
        assert mirror.fill(team)
    client.force_login(get_user_model().objects.get(username="owner"))
    pictures = 0
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert _outside(html) == [], path
        pictures += html.count('class="avatar avatar-img"')
    assert pictures >= 10  # the domains team's users have pictures: from the simulator
