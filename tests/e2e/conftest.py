"""Browser journeys: Playwright driving Debian's chromium, a live server and the simulator."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from rooms import mirror
from teams.demo import set_up_demo

CHROMIUM = "/usr/bin/chromium"
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def browser(django_db_setup):
    """Chromium for one test module. Playwright's sync API runs an event loop in this
    thread, so Django must be told that the ORM calls around it are synchronous code:
    only while this module runs, so the setting never reaches another test (a
    subprocess of `check --deploy` would rightly refuse it). The test database
    exists before the loop starts."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def demo(live_server, fast_sim):
    """The demo teams, pointing at the simulator, and the three demo logins; their rooms
    mirrors filled as the worker fills them (the rooms pages, the token page, the overview
    and the users page read the mirror, never Daily's list)."""
    for team in set_up_demo(fast_sim.url):
        assert mirror.fill(team), f"the rooms mirror of {team} was not filled"
    return live_server.url


# A 1x1 transparent PNG: what an avatar host on the internet answers in these tests.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63000100000500010d0a2db40000000049454e44ae426082"
)


def _offline(route) -> None:
    """Nothing leaves this machine: the internet (avatars) answers with a pixel."""
    host = urlsplit(route.request.url).hostname or ""
    if host in ("localhost", "127.0.0.1", "::1"):
        route.continue_()
    else:
        route.fulfill(status=200, content_type="image/png", body=PIXEL)


@pytest.fixture
def page(browser):
    context = browser.new_context()
    context.route("**/*", _offline)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems
    yield page
    context.close()
    # A Content-Security-Policy violation or a script error is a console error.
    assert problems == [], f"the browser reported errors: {problems}"


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("dailyadmin-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def phone(browser):
    """A phone-sized page (390 px wide) with no internet: a request leaving this machine
    is refused and remembered in `page.outside` (`page` answers them instead); console
    errors are in `page.problems`, for the test to assert."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=1, has_touch=True
    )
    outside: list[str] = []

    def offline(route) -> None:
        if (urlsplit(route.request.url).hostname or "") in ("127.0.0.1", "localhost", "::1"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", offline)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems, page.outside = problems, outside
    yield page
    context.close()
