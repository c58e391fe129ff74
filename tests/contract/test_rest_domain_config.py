"""The domain's configuration end to end: the real client against the simulator.

Reference: docs.daily.co/reference/rest-api/your-domain/get-domain-config,
docs.daily.co/reference/rest-api/your-domain/config and
docs.daily.co/reference/rest-api/your-domain/set-domain-config.
"""

from __future__ import annotations

import pytest
import requests

from daily import DomainBucket, DomainProperties, InvalidRequest, Region
from tests.contract.helpers import build
from tests.support.simulator import SimulatorProcess


def test_get_shows_the_documented_defaults(fast: SimulatorProcess, sleeps: list[float]) -> None:
    with build(fast, "rest", sleeps) as client:
        props = client.domain_config().properties
    # your-domain/config: enable_prejoin_ui and enable_people_ui default to true, lang to "en".
    assert props.enable_prejoin_ui is True and props.enable_people_ui is True
    assert props.lang == "en" and props.hipaa is False and props.sfu_switchover == 0.5


def test_update_stores_the_properties_and_answers_the_domain(
    fast: SimulatorProcess, sleeps: list[float]
) -> None:
    bucket = DomainBucket(
        bucket_name="acme-recordings",
        bucket_region="eu-central-1",
        assume_role_arn="arn:aws:iam::123456789012:role/daily",
        allow_api_access=True,
        allow_streaming_from_bucket=True,
    )
    with build(fast, "rest", sleeps) as client:
        answer = client.update_domain_config(
            DomainProperties(
                lang="de",
                redirect_on_meeting_exit="https://example.com/bye",
                hide_daily_branding=True,
                geo=Region.EU_CENTRAL_1,
                recordings_template="{room_name}/{epoch_time}.mp4",
                recordings_bucket=bucket,
            )
        )
        again = client.domain_config().properties
    assert answer.domain_name == "demo-rest" and answer.properties.lang == "de"
    assert again.lang == "de" and again.hide_daily_branding is True
    assert again.redirect_on_meeting_exit == "https://example.com/bye"
    assert again.geo is Region.EU_CENTRAL_1 and again.recordings_bucket == bucket
    # Untouched properties keep their defaults: only what was sent changed.
    assert again.enable_prejoin_ui is True and again.enable_people_ui is True


def test_hipaa_switch_still_shows_and_is_read_only_through_the_api(
    fast: SimulatorProcess, sleeps: list[float]
) -> None:
    assert fast.control("POST", "domain-config", json={"hipaa": True}) == {"hipaa": True}
    with build(fast, "rest", sleeps) as client:
        assert client.domain_config().properties.hipaa is True
        client.update_domain_config(DomainProperties(lang="fr"))
        assert client.domain_config().properties.hipaa is True


@pytest.mark.parametrize(
    "properties",
    [
        {"lang": "xx"},
        {"enable_prejoin_ui": "yes"},
        {"hipaa": True},
        {"recordings_template": "{room_name}.mp4"},
        {"recordings_bucket": {"bucket_name": "only"}},
        {"sfu_switchover": "2"},
        {"no_such_property": 1},
    ],
)
def test_the_simulator_refuses_what_daily_documents_as_invalid(
    fast: SimulatorProcess, properties: dict
) -> None:
    """The simulator checks types itself, so it catches a client that does not."""
    before = requests.get(fast.rest_base_url + "/", headers=fast.rest_headers, timeout=5).json()
    reply = requests.post(
        fast.rest_base_url + "/",
        json={"properties": properties},
        headers=fast.rest_headers,
        timeout=5,
    )
    assert reply.status_code == 400 and reply.json()["error"] == "invalid-request-error"
    after = requests.get(fast.rest_base_url + "/", headers=fast.rest_headers, timeout=5).json()
    assert after == before


def test_a_refused_update_changes_nothing(fast: SimulatorProcess, sleeps: list[float]) -> None:
    with build(fast, "rest", sleeps) as client:
        client.update_domain_config(DomainProperties(lang="fr"))
        # A bad value next to a good one: Daily's 400, nothing stored.
        with pytest.raises(InvalidRequest):
            client._request("POST", "/", body={"properties": {"lang": "de", "rtmp_geo": "mars-1"}})
        assert client.domain_config().properties.lang == "fr"
