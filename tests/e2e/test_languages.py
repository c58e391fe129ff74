"""The dashboard in German: the switcher at the foot of a page changes the language, the
choice holds on the next pages, and the translated pages show no English.

`PAGES` lists the translated pages: each app adds its own once its strings are marked and
translated (docs/operations.md, "Languages"). A page is checked for the English strings it
shows in English (`english`, taken from that page) and for common English words anywhere in
its visible text (`ENGLISH_WORDS`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from attendance.models import Meeting
from attendance.sync import sync_team
from recordings import mirror
from teams.models import Team
from tests.attendance.helpers import at
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "dailyadmin-demo"
USERNAME = "marta"
# Words no German sentence contains; one of them in a page's text is an untranslated string.
ENGLISH_WORDS = (
    "the", "your", "you", "and", "with", "this", "for", "of", "is", "are", "not", "to",
    "has", "have", "been", "was", "will", "again", "back", "log", "page",
)  # fmt: skip


@dataclass(frozen=True)
class Page:
    path: str
    # Strings the page shows in English (from its template), none of which may remain.
    english: tuple[str, ...]
    logged_in: bool = True
    # The part of the page checked (a CSS selector; every element it matches): a part
    # another app draws and has not translated yet (in PENDING, dailyadmin/messages.py) is
    # left out until it is.
    scope: str = "body"


PAGES = (
    Page(
        "/login/",
        ("Log in", "Username", "Password", "Forgot your password?", "Administer your"),
        logged_in=False,
    ),
    Page("/account/reset/", ("Reset your password", "Send the link", "Back to log in"), False),
    Page("/no-such-page/", ("Page not found", "Back to your teams"), logged_in=False),
    Page(
        "/account/two-factor/",
        ("Second factor", "Off", "Set up an authenticator app", "Recent changes", "Log out"),
    ),
    Page(
        "/account/two-factor/setup/",
        ("Scan this code", "Code from the app", "Turn on", "Cancel", "Keep it to yourself"),
    ),
    Page("/account/password/", ("Change your password", "Change password", "Cancel")),
)


def _visible_text(page, scope: str = "body") -> str:
    """The text as shown, in lower case (table headers are styled in capitals), of every
    element `scope` matches."""
    return "\n".join(page.locator(scope).all_inner_texts()).lower()


def _english_in(text: str, page: Page) -> list[str]:
    found = [s for s in page.english if s.lower() in text]
    words = set(re.findall(r"[A-Za-z]+", text))
    # Names in the page (the login's, the product's) are no sentence.
    words -= {USERNAME, "dailyadmin", "english", "deutsch"}
    found += sorted(w for w in words if w.lower() in ENGLISH_WORDS)
    return found


def _switch_to_german(page) -> None:
    footer = page.locator("footer.appfooter")
    footer.get_by_label("Language").select_option("de")
    footer.get_by_role("button", name="Change language").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")


def _log_in(page, base: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label(re.compile("Username|Benutzername")).fill(USERNAME)
    page.get_by_label(re.compile("^(Password|Passwort)$")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("^(Log in|Anmelden)$")).click()
    page.wait_for_url(lambda url: "/login/" not in url)


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user(username=USERNAME, password=PASSWORD)


def test_the_switcher_changes_the_language_and_the_choice_holds(live_server, page, person):
    base = live_server.url
    page.goto(f"{base}/login/")
    assert "forgot your password?" in _visible_text(page)  # the browser asks for English
    _switch_to_german(page)
    # Back on the same page, in German.
    assert page.url == f"{base}/login/"
    text = _visible_text(page)
    assert "passwort vergessen?" in text
    assert _english_in(text, PAGES[0]) == []
    # The choice holds: logging in and the next pages stay German.
    _log_in(page, base)
    page.goto(f"{base}/account/two-factor/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert "zweiter faktor" in _visible_text(page)
    # And back to English with the same switcher.
    footer = page.locator("footer.appfooter")
    footer.get_by_label("Sprache").select_option("en")
    footer.get_by_role("button", name="Sprache wechseln").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert "second factor" in _visible_text(page)


@pytest.mark.parametrize("target", PAGES, ids=lambda p: p.path)
def test_a_translated_page_shows_no_english(live_server, page, person, target):
    base = live_server.url
    if target.logged_in:
        _log_in(page, base)
    page.goto(f"{base}{target.path}")
    # In English first: the strings the test looks for are really on the page.
    text = _visible_text(page)
    missing = [s for s in target.english if s.lower() not in text]
    assert not missing, f"{target.path} does not show {missing} in English: fix PAGES"
    _switch_to_german(page)
    assert page.url == f"{base}{target.path}"
    assert _english_in(_visible_text(page), target) == [], target.path
    if target.path == "/no-such-page/":  # the browser reports the page's own 404, rightly
        page.problems[:] = [p for p in page.problems if "status of 404" not in p]


def test_the_switcher_fits_a_phone_and_works_from_the_keyboard(live_server, phone):
    phone.goto(f"{live_server.url}/login/")
    select = phone.locator("#language-select")
    select.focus()
    phone.keyboard.press("ArrowDown")  # a focused select moves to the next language
    phone.keyboard.press("Tab")
    expect(phone.locator("footer.appfooter button")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator("html")).to_have_attribute("lang", "de")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide"
    assert phone.problems == [] and phone.outside == []


# The overview with its sync freshness line (partials/_freshness.html), and the team
# settings with the panels other apps put beside the form (the webhook's, attendance's).
OVERVIEW = "header, .page-head, #overview-body, footer"
SETTINGS = "header, .page-head, .subtabs, form.form-card, aside.side-card, footer"
# The demo teams' pages (the simulator's REST team and its domains team), as their owner:
# the top bar, the team's navigation and the footer included.
TEAM_PAGES = (
    Page(
        "/t/demo-rest/recordings/",
        ("Recordings", "Retention policy", "Every room", "Started", "Duration", "Updated"),
    ),
    Page(
        "/t/demo-rest/recordings/retention/?days=30",
        ("Recording retention", "would be deleted now", "Preview", "Enable: delete these"),
    ),
    Page(
        "/t/demo-rest/",
        (
            "Overview",
            "Rooms",
            "Live now",
            "What this team's API can do",
            "Here you can",
            "Attendance has not been synced yet",
        ),
        scope=OVERVIEW,
    ),
    Page(
        "/t/demo-team/",
        ("Invite link", "Users", "in the Daily team", "Not with this API", "Audit log"),
        scope=OVERVIEW,
    ),
    Page("/t/demo-team/users/", ("Users", "Search", "Email", "Daily role", "Member")),
    Page(
        "/t/demo-rest/users/",
        ("The people this dashboard knows", "has no team members", "known people", "Nobody yet"),
    ),
    Page(
        "/t/demo-rest/settings/",
        (
            "Settings",
            "Team and API",
            "API token",
            "Save settings",
            "Test the connection",
            "No webhook is registered",
            "Register a webhook",
        ),
        scope=SETTINGS,
    ),
    Page(
        "/t/demo-rest/settings/members/",
        ("Dashboard members", "Invite someone", "Member since", "What each role can do"),
    ),
    Page("/t/demo-rest/audit/", ("Audit log", "Every change made", "Outcome", "Export CSV")),
    Page(
        "/t/demo-rest/rooms/",
        ("Rooms", "New room", "Search", "With the selected rooms", "set privacy to", "Updated"),
    ),
    Page(
        "/t/demo-rest/rooms/r/lobby/",
        ("Edit properties", "Join", "Embed in a web page", "In the room now", "Copy snippet"),
    ),
    Page(
        "/t/demo-rest/rooms/new/",
        ("New room", "Privacy", "Access and expiry", "Time limit per person", "Create room"),
    ),
    Page(
        "/t/demo-rest/rooms/r/lobby/properties/",
        ("Properties of lobby", "Only what you change", "Save properties", "Cancel"),
    ),
    Page(
        "/t/demo-rest/rooms/tokens/new/",
        ("Meeting token", "Who", "When", "Join with camera off", "Issue token"),
    ),
    Page("/t/demo-rest/rooms/bulk/", ("Bulk actions", "No bulk action yet")),
    Page(
        "/t/demo-rest/settings/domain/",
        ("The defaults Daily applies", "Branding and leaving a call", "Network and regions"),
    ),
)


@pytest.mark.parametrize("target", TEAM_PAGES, ids=lambda p: p.path)
def test_a_translated_team_page_shows_no_english(demo, page, target):
    assert mirror.refresh(Team.objects.get(slug="demo-rest"))
    log_in(page, demo, "owner")
    page.goto(f"{demo}{target.path}")
    text = _visible_text(page, target.scope)
    missing = [s for s in target.english if s.lower() not in text]
    assert not missing, f"{target.path} does not show {missing} in English: fix TEAM_PAGES"
    _switch_to_german(page)
    assert page.url == f"{demo}{target.path}"  # the address as it is, its query included
    assert _english_in(_visible_text(page, target.scope), target) == [], target.path


def test_the_bulk_preview_of_ticked_rooms_in_german(demo, page):
    """The preview a bulk action starts from (a POST, so not in TEAM_PAGES)."""
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/rooms/")
    _switch_to_german(page)
    page.get_by_label("lobby auswählen").check()
    page.locator("#bulk-form").get_by_role("button", name="Löschen …").click()
    page.wait_for_url("**/rooms/bulk/preview/")
    english = ("Delete 1 room", "This is exactly what will happen", "Now", "After", "Cancel")
    text = _visible_text(page)
    assert "1 raum löschen?" in text and "genau das wird geschehen" in text
    assert _english_in(text, Page("/t/demo-rest/rooms/bulk/preview/", english)) == []


# The attendance reports, the sync page and the usage pages of the demo's REST team, with
# its last hours synced (rows, charts and a meeting to open); "{meeting}" is a meeting of
# three sessions or more. The CSVs stay English (docs/operations.md, "Languages").
REPORT_PAGES = (
    Page(
        "/t/demo-rest/attendance/meetings/",
        ("Meetings", "Every meeting of the team", "Sessions", "Guests", "Export CSV", "Apply"),
    ),
    Page(
        "/t/demo-rest/attendance/people/",
        ("Who attended", "First join", "Last leave", "Include guests", "minutes summed over"),
    ),
    Page(
        "/t/demo-rest/attendance/rooms/",
        ("Room usage", "Last used", "Unused for (days)", "How these figures are computed"),
    ),
    Page(
        "/t/demo-rest/attendance/charts/",
        ("Attendance at a glance", "Meetings per day", "Busiest day", "When meetings start"),
    ),
    Page(
        "/t/demo-rest/attendance/meetings/{meeting}/",
        ("Sessions", "Of meeting", "Call quality", "Load call quality", "Timeline"),
    ),
    Page(
        "/t/demo-rest/attendance/meetings/{meeting}/quality/",
        ("Call quality", "Packet loss, median / p95", "Round trip over time", "Meeting in"),
    ),
    Page(
        "/t/demo-rest/attendance/sync/",
        ("Attendance sync", "Sync now", "History", "Trigger", "Register webhook"),
    ),
    Page(
        "/t/demo-rest/usage/",
        ("Usage", "Participant-minutes", "Estimated cost", "The last 12 months", "Save price"),
    ),
    Page(
        "/t/demo-rest/usage/digests/",
        ("Attendance digests", "Your subscriptions", "Subscribe", "List people under"),
    ),
)


@pytest.mark.parametrize("target", REPORT_PAGES, ids=lambda p: p.path)
def test_a_translated_report_page_shows_no_english(demo, page, fast_sim, target):
    team = Team.objects.get(slug="demo-rest")
    now = at(fast_sim.now())
    sync_team(team, now=now, since=now - timedelta(hours=12))
    meeting = Meeting.objects.filter(team=team, ongoing=False, session_count__gte=3).first()
    assert meeting is not None
    path = target.path.format(meeting=meeting.pk)
    log_in(page, demo, "owner")
    page.goto(f"{demo}{path}")
    page.wait_for_load_state("networkidle")
    text = _visible_text(page, target.scope)
    missing = [s for s in target.english if s.lower() not in text]
    assert not missing, f"{path} does not show {missing} in English: fix REPORT_PAGES"
    _switch_to_german(page)
    assert page.url == f"{demo}{path}"
    page.wait_for_load_state("networkidle")
    assert _english_in(_visible_text(page, target.scope), target) == [], path


def test_the_switcher_comes_back_to_the_address_htmx_moved_to(demo, page):
    assert mirror.refresh(Team.objects.get(slug="demo-rest"))
    log_in(page, demo, "owner")
    page.goto(f"{demo}/t/demo-rest/recordings/")
    page.locator("#f-status").select_option("finished")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"status=finished"))  # pushed by htmx, no page load
    _switch_to_german(page)
    assert page.url.startswith(f"{demo}/t/demo-rest/recordings/?") and "status=finished" in page.url
    expect(page.locator("#recordings-count")).to_contain_text("Aufnahme")
