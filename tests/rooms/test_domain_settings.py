"""Domain settings (REST): the page, the diff preview, the save and its audit event.

Against the simulator, which models docs.daily.co/reference/rest-api/your-domain/config and
set-domain-config (simulator/rest_domain.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from teams.models import AuditAction, AuditEvent, Outcome, Role
from tests.rooms.conftest import HTMX, daily_calls, rest_api

pytestmark = pytest.mark.django_db


def _form_data(client, url: str) -> dict[str, str]:
    """What a browser posts for the form as shown (checkboxes only when on)."""
    form = client.get(url).context["form"]
    data: dict[str, str] = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    return data


def _url(team, name: str = "settings") -> str:
    return reverse(f"domain:{name}", args=[team.slug])


def test_the_page_shows_the_domains_effective_values(login, rest_team):
    response = login(rest_team, Role.OWNER).get(_url(rest_team))
    assert response.status_code == 200
    form = response.context["form"]
    # Daily's documented defaults: prejoin and people UI on, English.
    assert form["enable_prejoin_ui"].value() is True and form["lang"].value() == "en"
    assert b"Domain settings" in response.content or b"Domain</a>" in response.content


def test_preview_lists_each_change_from_and_to_and_saves_nothing(login, rest_team, fast_sim):
    client = login(rest_team, Role.OWNER)
    data = _form_data(client, _url(rest_team))
    data.update(lang="de", redirect_on_meeting_exit="https://example.com/bye")
    data.pop("enable_prejoin_ui")  # unticked
    fast_sim.clear_request_counts()
    response = client.post(_url(rest_team, "preview"), data, **HTMX)
    assert response.status_code == 200
    rows = {name: (old, new) for name, _label, old, new in response.context["diff"]}
    assert rows == {
        "enable_prejoin_ui": ("on", "off"),
        "redirect_on_meeting_exit": ("none", "https://example.com/bye"),
        "lang": ("English", "German"),
    }
    assert b"<ins>German</ins>" in response.content
    assert daily_calls(fast_sim) == 1  # the read, no write
    assert rest_api(fast_sim, "GET", "/").json()["config"]["lang"] == "en"
    assert not AuditEvent.objects.filter(action=AuditAction.DOMAIN_UPDATE).exists()


def test_save_sends_only_the_changes_and_audits_them(login, rest_team, fast_sim):
    client = login(rest_team, Role.OWNER)
    data = _form_data(client, _url(rest_team))
    preview = client.post(_url(rest_team, "preview"), {**data, "lang": "fr"}, **HTMX)
    version = preview.context["version"]
    response = client.post(_url(rest_team), {**data, "lang": "fr", "version": version}, **HTMX)
    assert response.status_code == 200 and response["HX-Redirect"] == _url(rest_team)
    config = rest_api(fast_sim, "GET", "/").json()["config"]
    assert config["lang"] == "fr" and config["enable_prejoin_ui"] is True
    event = AuditEvent.objects.get(action=AuditAction.DOMAIN_UPDATE)
    assert event.outcome == Outcome.OK and event.target.endswith(": lang")
    assert event.message == "lang: English -> French"


def test_a_save_after_the_domain_changed_shows_the_new_differences(login, rest_team, fast_sim):
    client = login(rest_team, Role.OWNER)
    data = _form_data(client, _url(rest_team))
    version = client.post(_url(rest_team, "preview"), {**data, "lang": "fr"}).context["version"]
    rest_api(fast_sim, "POST", "/", json={"properties": {"lang": "de"}})  # someone else
    response = client.post(_url(rest_team), {**data, "lang": "fr", "version": version})
    assert response.status_code == 200 and response.context["stale"] is True
    assert [(n, o, t) for n, _l, o, t in response.context["diff"]] == [("lang", "German", "French")]
    assert rest_api(fast_sim, "GET", "/").json()["config"]["lang"] == "de"
    assert not AuditEvent.objects.filter(action=AuditAction.DOMAIN_UPDATE).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recordings_template": "{room_name}.mp4"}, "recordings_template"),
        ({"recordings_template": "{epoch_time}.mov"}, "recordings_template"),
        ({"redirect_on_meeting_exit": "javascript:alert(1)"}, "redirect_on_meeting_exit"),
        ({"sfu_switchover": "0.1"}, "sfu_switchover"),
        ({"rec_bucket_name": "only-a-name"}, "rec_bucket_name"),
        ({"lang": "xx"}, "lang"),
    ],
)
def test_bad_values_are_shown_next_to_their_field(login, rest_team, fast_sim, changes, field):
    client = login(rest_team, Role.OWNER)
    data = _form_data(client, _url(rest_team))
    response = client.post(_url(rest_team, "preview"), {**data, **changes}, **HTMX)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "diff" not in response.context


def test_the_bucket_arn_shows_and_no_secret_does(login, rest_team, fast_sim):
    rest_api(
        fast_sim,
        "POST",
        "/",
        json={
            "properties": {
                "recordings_bucket": {
                    "bucket_name": "acme",
                    "bucket_region": "eu-central-1",
                    "assume_role_arn": "arn:aws:iam::1:role/daily",
                }
            }
        },
    )
    response = login(rest_team, Role.OWNER).get(_url(rest_team))
    assert b"arn:aws:iam::1:role/daily" in response.content
    assert rest_team.get_token().encode() not in response.content


def test_the_domains_dialect_says_it_has_no_domain_settings(login, domains_team):
    response = login(domains_team, Role.OWNER).get(_url(domains_team))
    assert response.status_code == 200
    assert b"this team uses the original team API" in response.content


def test_an_upstream_failure_is_explained_with_a_retry(login, rest_team, fast_sim):
    fast_sim.faults(p_5xx=1.0)
    response = login(rest_team, Role.OWNER).get(_url(rest_team))
    fast_sim.clear_faults()
    assert response.status_code == 200
    assert b"Daily did not do this" in response.content and b"Try again" in response.content
