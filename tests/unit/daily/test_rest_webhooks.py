"""rest webhooks: create, list, get, update, delete; uuid/id and failed_count spellings."""

from __future__ import annotations

import pytest
import responses
from responses import matchers

from daily import InvalidInput, InvalidRequest, RestClient, Webhook

from .conftest import REST_BASE, auth

HOOKS = f"{REST_BASE}/webhooks"
SECRET = "c2VjcmV0LXNpZ25pbmcta2V5LTEyMzQ="
HOOK = {
    "uuid": "0b1c2d3e-aaaa-bbbb-cccc-1234567890ab",
    "url": "https://example.com/daily",
    "hmac": SECRET,
    "eventTypes": ["meeting.started", "participant.joined"],
    "state": "ACTIVE",
    "failedCount": 0,
    "basicAuth": None,
}


def test_create_webhook(rest: RestClient, rsps: responses.RequestsMock) -> None:
    rsps.post(
        HOOKS,
        json=HOOK,
        match=[
            auth(),
            matchers.json_params_matcher(
                {
                    "url": "https://example.com/daily",
                    "eventTypes": ["meeting.started", "participant.joined"],
                    "hmac": SECRET,
                }
            ),
        ],
    )
    hook = rest.create_webhook(
        "https://example.com/daily",
        event_types=["meeting.started", "participant.joined"],
        hmac=SECRET,
    )
    assert hook == Webhook(
        id=HOOK["uuid"],
        url=HOOK["url"],
        event_types=HOOK["eventTypes"],
        hmac=SECRET,
        state="ACTIVE",
        failed_count=0,
    )
    assert SECRET not in repr(hook)


def test_create_webhook_with_only_a_url(rest: RestClient, rsps: responses.RequestsMock) -> None:
    rsps.post(
        HOOKS,
        json={"id": "w1", "url": "https://e.com/h", "failed_count": 3},
        match=[matchers.json_params_matcher({"url": "https://e.com/h"})],
    )
    hook = rest.create_webhook("https://e.com/h")
    assert (hook.id, hook.event_types, hook.hmac, hook.failed_count) == ("w1", [], None, 3)


def test_list_webhooks_accepts_a_list_or_a_data_wrapper(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(HOOKS, json=[HOOK], match=[auth()])
    rsps.get(HOOKS, json={"data": [HOOK, {"id": "w2", "url": "https://e.com/2"}]})
    assert [h.id for h in rest.list_webhooks()] == [HOOK["uuid"]]
    assert [h.id for h in rest.list_webhooks()] == [HOOK["uuid"], "w2"]


def test_get_update_and_delete_a_webhook(rest: RestClient, rsps: responses.RequestsMock) -> None:
    path = f"{HOOKS}/{HOOK['uuid']}"
    rsps.get(path, json=HOOK, match=[auth()])
    rsps.post(
        path,
        json={**HOOK, "url": "https://example.com/v2"},
        match=[matchers.json_params_matcher({"url": "https://example.com/v2"})],
    )
    rsps.delete(path, json={}, match=[auth()])
    assert rest.get_webhook(HOOK["uuid"]).state == "ACTIVE"
    assert (
        rest.update_webhook(HOOK["uuid"], url="https://example.com/v2").url
        == "https://example.com/v2"
    )
    rest.delete_webhook(HOOK["uuid"])


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.create_webhook("not a url"), "url"),
        (lambda c: c.create_webhook("ftp://e.com/h"), "url"),
        (
            lambda c: c.create_webhook("https://e.com/h", event_types="meeting.started"),
            "event_types",
        ),
        (
            lambda c: c.create_webhook("https://e.com/h", event_types=["Meeting Started"]),
            "event_types",
        ),
        (lambda c: c.create_webhook("https://e.com/h", hmac=" "), "hmac"),
        (lambda c: c.update_webhook("w1"), None),
        (lambda c: c.get_webhook("../rooms"), "webhook_id"),
        (lambda c: c.delete_webhook("w1/x"), "webhook_id"),
    ],
)
def test_webhook_input_is_validated_before_any_http(
    call, field, rest: RestClient, no_http: responses.RequestsMock
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as caught:
        call(rest)
    assert caught.value.field == field


def test_a_webhook_error_never_echoes_the_signing_secret(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.post(
        HOOKS, status=400, json={"error": "invalid-request-error", "info": f"bad hmac {SECRET}"}
    )
    with pytest.raises(InvalidRequest) as caught:
        rest.create_webhook("https://e.com/h", hmac=SECRET)
    assert SECRET not in str(caught.value)
