"""The recordings page: the mirror's list with filters and SQL paging, downloads by
access link per click, delete with a confirmation naming it, the roles."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daily import Recording, RecordingStatus
from recordings import listing, mirror
from recordings.models import MirroredRecording, RecordingMirror
from teams.models import AuditEvent, Role
from tests.factories import make_team
from tests.recordings.conftest import daily_calls, daily_recordings

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr id="recording-([A-Za-z0-9_-]+)"')


def _ids(response) -> list[str]:
    return ROW.findall(response.content.decode())


def _url(team, name="recordings:list", *args) -> str:
    return reverse(name, args=[team.slug, *args])


def _fake(team, count: int, *, room="standup", start=None, status=RecordingStatus.FINISHED):
    start = start or datetime(2024, 3, 1, 12, tzinfo=UTC)
    mirror.store(
        team,
        [
            Recording(
                id=f"{room}-{n:05d}",
                room_name=room,
                start=start - timedelta(hours=n),
                status=status,
                max_participants=n % 7,
                duration=60 * n,
            )
            for n in range(count)
        ],
    )
    RecordingMirror.objects.update_or_create(team=team, defaults={"refreshed_at": start})


def test_the_page_lists_every_recording_newest_first_without_calling_daily(walked, fast_sim, login):
    client = login(walked, Role.MANAGER)
    response = client.get(_url(walked))
    assert response.status_code == 200
    truth = [r["id"] for r in daily_recordings(fast_sim)]
    fast_sim.clear_request_counts()
    shown = _ids(client.get(_url(walked)))
    assert shown == truth[: listing.PER_PAGE]
    assert daily_calls(fast_sim) == 0
    body = response.content.decode()
    assert "Updated" in body and "Refresh now" in body


def test_filters_by_room_status_and_dates(login):
    team = make_team("filters", time_zone="Europe/Paris")
    _fake(team, 30, room="standup")
    _fake(team, 5, room="retro", status=RecordingStatus.CANCELED)
    client = login(team, Role.MANAGER)
    assert set(_ids(client.get(_url(team), {"room": "retro"}))) == {
        f"retro-{n:05d}" for n in range(5)
    }
    assert len(_ids(client.get(_url(team), {"status": "canceled"}))) == 5
    # Days in the team's time zone: 2024-03-01 in Paris is [02-29 23:00, 03-01 23:00) UTC.
    day = _ids(
        client.get(_url(team), {"room": "standup", "start": "2024-03-01", "end": "2024-03-01"})
    )
    assert day == [f"standup-{n:05d}" for n in range(14)]  # 12:00 UTC back to 23:00 UTC
    bad = client.get(_url(team), {"room": "../x", "start": "not-a-date"})
    assert bad.status_code == 200 and "alert" in bad.content.decode()


def test_pages_are_sql_pages_and_the_query_count_does_not_grow(login):
    small, big = make_team("small"), make_team("big")
    _fake(small, 3)
    _fake(big, 180)
    client_small, client_big = login(small, Role.MANAGER), login(big, Role.MANAGER)
    counts = []
    for client, team in ((client_small, small), (client_big, big)):
        client.get(_url(team))  # sessions, mirror state: warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_url(team), {"page": 2 if team is big else 1})
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert len(_ids(client_big.get(_url(big), {"page": 4}))) == 180 - 3 * listing.PER_PAGE


def test_download_sends_the_browser_to_a_new_link_per_click_never_stored(walked, fast_sim, login):
    client = login(walked, Role.MANAGER)
    row = mirror.recordings(walked).filter(status="finished").first()
    url = _url(walked, "recordings:download", row.recording_id)
    assert client.get(url).status_code == 405  # a GET (prefetch, img tag) makes no link
    first = client.post(url, HTTP_HX_REQUEST="true")
    second = client.post(url, HTTP_HX_REQUEST="true")
    assert first.status_code == second.status_code == 200
    assert first["HX-Redirect"] != second["HX-Redirect"]
    assert "no-store" in first["Cache-Control"] and first["Referrer-Policy"] == "no-referrer"
    fetched = requests.get(first["HX-Redirect"], timeout=10)
    assert fetched.status_code == 200 and "attachment" in fetched.headers["Content-Disposition"]
    # Without JavaScript: a page holding the link (a form may not redirect to another host
    # under the Content-Security-Policy's form-action 'self').
    plain = client.post(url)
    assert plain.status_code == 200 and "no-store" in plain["Cache-Control"]
    assert re.search(r'href="http://[^"]+/_sim/recording-files/', plain.content.decode())
    events = AuditEvent.objects.filter(team=walked, action="recording.link")
    assert events.count() == 3 and all(e.outcome == "ok" for e in events)
    signature = first["HX-Redirect"].split("signature=")[1]
    assert not any(signature in (e.message + e.target) for e in events)
    assert "signature=" not in client.get(_url(walked)).content.decode()


def test_a_download_of_a_recording_gone_at_daily_says_so_and_forgets_it(walked, fast_sim, login):
    row = mirror.recordings(walked).filter(status="finished").first()
    requests.delete(
        f"{fast_sim.rest_base_url}/recordings/{row.recording_id}",
        headers=fast_sim.rest_headers,
        timeout=10,
    )
    client = login(walked, Role.MANAGER)
    response = client.post(_url(walked, "recordings:download", row.recording_id), follow=True)
    assert "no longer has this recording" in response.content.decode()
    assert not mirror.recordings(walked).filter(recording_id=row.recording_id).exists()


def test_delete_confirms_by_name_then_deletes_writes_through_and_audits(walked, fast_sim, login):
    client = login(walked, Role.ADMIN)
    row = mirror.recordings(walked).order_by("room_name").last()
    url = _url(walked, "recordings:delete", row.recording_id)
    confirm = client.get(url).content.decode()
    assert f"Delete the recording of {row.room_name}" in confirm and row.recording_id in confirm
    response = client.post(url, follow=True)
    assert "deleted" in response.content.decode()
    assert not mirror.recordings(walked).filter(recording_id=row.recording_id).exists()
    assert row.recording_id not in {r["id"] for r in daily_recordings(fast_sim)}
    event = AuditEvent.objects.get(team=walked, action="recording.delete")
    assert event.outcome == "ok" and row.recording_id in event.target


def test_deleting_from_the_teams_own_bucket_says_only_the_reference_goes(walked, fast_sim, login):
    client = login(walked, Role.OWNER)
    first_room = sorted({r.room_name for r in mirror.recordings(walked)})[0]
    row = mirror.recordings(walked).filter(room_name=first_room).first()  # its own bucket
    response = client.post(_url(walked, "recordings:delete", row.recording_id), follow=True)
    body = response.content.decode()
    assert "removed its reference only" in body and "s3://demo-rest-recordings/" in body


def test_a_domain_bucket_is_named_before_deleting(walked, login):
    RecordingMirror.objects.filter(team=walked).update(domain_bucket="acme-recordings")
    client = login(walked, Role.OWNER)
    row = mirror.recordings(walked).first()
    confirm = client.get(_url(walked, "recordings:delete", row.recording_id)).content.decode()
    assert "acme-recordings" in confirm and "removes Daily's reference only" in confirm
    assert "acme-recordings" in client.get(_url(walked)).content.decode()


def test_a_failed_delete_keeps_the_row_says_why_and_is_audited(walked, fast_sim, login):
    client = login(walked, Role.ADMIN)
    row = mirror.recordings(walked).first()
    fast_sim.faults(p_5xx=1.0, paths="/v1/recordings")
    response = client.post(_url(walked, "recordings:delete", row.recording_id))
    assert response.status_code == 502 and "Try again" in response.content.decode()
    assert mirror.recordings(walked).filter(recording_id=row.recording_id).exists()
    assert AuditEvent.objects.get(team=walked, action="recording.delete").outcome == "failed"


def test_managers_view_and_download_but_do_not_delete(walked, login):
    client = login(walked, Role.MANAGER)
    row = mirror.recordings(walked).first()
    body = client.get(_url(walked)).content.decode()
    assert "Download" in body and "Delete…" not in body and "Retention policy" not in body
    assert client.get(_url(walked, "recordings:delete", row.recording_id)).status_code == 403
    assert client.post(_url(walked, "recordings:delete", row.recording_id)).status_code == 403
    assert MirroredRecording.objects.filter(pk=row.pk).exists()


def test_unknown_and_malformed_ids_are_404(walked, login):
    client = login(walked, Role.OWNER)
    for rid in ("no-such-recording", "a.b", "x" * 200):
        assert client.get(_url(walked, "recordings:delete", rid)).status_code == 404
        assert client.post(_url(walked, "recordings:download", rid)).status_code == 404


def test_a_domains_team_is_told_plainly_there_are_no_recordings(domains_team, fast_sim, login):
    client = login(domains_team, Role.OWNER)
    body = client.get(_url(domains_team)).content.decode()
    assert "has no recordings" in body
    assert daily_calls(fast_sim) == 0


def test_the_navigation_links_the_page(walked, login):
    body = login(walked, Role.MANAGER).get(reverse("dashboard:overview", args=[walked.slug]))
    assert _url(walked) in body.content.decode()


def test_the_audit_log_shows_recording_events(walked, login):
    client = login(walked, Role.OWNER)
    row = mirror.recordings(walked).first()
    client.post(_url(walked, "recordings:delete", row.recording_id))
    audit = client.get(reverse("teams:audit", args=[walked.slug]))
    assert audit.status_code == 200 and row.recording_id in audit.content.decode()
    export = client.get(reverse("teams:audit_export", args=[walked.slug]))
    assert b"recording.delete" in b"".join(
        export.streaming_content if export.streaming else [export.content]
    )


def test_the_confirmation_names_the_rooms_own_bucket_with_one_call(walked, fast_sim, login):
    client = login(walked, Role.OWNER)
    rooms = sorted({r.room_name for r in mirror.recordings(walked)})
    own = mirror.recordings(walked).filter(room_name=rooms[0]).first()
    fast_sim.clear_request_counts()
    body = client.get(_url(walked, "recordings:delete", own.recording_id)).content.decode()
    assert f"Room {rooms[0]} stores its recordings in its own bucket" in body
    assert "demo-rest-recordings" in body
    assert daily_calls(fast_sim) == 1  # GET /rooms/<name>, nothing else
    other = mirror.recordings(walked).filter(room_name=rooms[1]).first()
    body = client.get(_url(walked, "recordings:delete", other.recording_id)).content.decode()
    assert "own bucket" not in body and "If this room stores" not in body


def test_the_confirmation_of_a_deleted_rooms_recording_says_what_may_be(walked, fast_sim, login):
    row = mirror.recordings(walked).order_by("room_name").last()
    requests.delete(
        f"{fast_sim.rest_base_url}/rooms/{row.room_name}", headers=fast_sim.rest_headers, timeout=10
    )
    body = login(walked, Role.OWNER).get(_url(walked, "recordings:delete", row.recording_id))
    assert "If this room stores its recordings in your own S3 bucket" in body.content.decode()
