"""rest dialect: the domain's configuration, typed (`GET /`) and updated (`POST /`).

Reference: docs.daily.co/reference/rest-api/your-domain/config and
docs.daily.co/reference/rest-api/your-domain/set-domain-config.
"""

from __future__ import annotations

import pytest
import responses

from daily import (
    DomainBucket,
    DomainProperties,
    InvalidInput,
    Region,
    RestClient,
    Unsupported,
)
from daily.domain_config import changed_fields

from .conftest import REST_BASE, body_of

DOMAIN = {
    "domain_name": "acme",
    "domain_id": "d-1",
    "config": {
        "lang": "fr",
        "enable_prejoin_ui": False,
        "hipaa": False,
        "sfu_switchover": 2,
        "geo": "eu-west-2",
        "recordings_bucket": {
            "bucket_name": "rec",
            "bucket_region": "eu-west-2",
            "assume_role_arn": "arn:aws:iam::1:role/daily",
            "allow_streaming_from_bucket": True,
        },
        "pinless_dialin": [{"phone_number": "+1555", "hmac": "s3cr3t-hmac"}],
        "redirect_on_meeting_exit": 42,  # a wrong type: dropped, not fatal
    },
}


def test_domain_config_types_the_documented_properties(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    rsps.get(f"{REST_BASE}/", json=DOMAIN)
    props = rest.domain_config().properties
    assert props.lang == "fr" and props.enable_prejoin_ui is False
    assert props.geo is Region.EU_WEST_2 and props.sfu_switchover == 2.0
    assert props.recordings_bucket == DomainBucket(
        bucket_name="rec",
        bucket_region="eu-west-2",
        assume_role_arn="arn:aws:iam::1:role/daily",
        allow_streaming_from_bucket=True,
    )
    assert props.redirect_on_meeting_exit is None
    # Daily's documented default where the domain has none of its own.
    assert props.effective("enable_people_ui") is True
    # The dial-in entries hold an HMAC secret: not part of the typed properties.
    assert "s3cr3t" not in repr(props) and "s3cr3t" not in repr(rest.domain_config())


def test_update_sends_only_the_changed_properties(
    rest: RestClient, rsps: responses.RequestsMock
) -> None:
    call = rsps.post(f"{REST_BASE}/", json={**DOMAIN, "config": {"lang": "de"}})
    result = rest.update_domain_config(
        DomainProperties(lang="de", hide_daily_branding=True, geo=Region.US_EAST_1)
    )
    assert body_of(call.calls[0]) == {
        "properties": {"lang": "de", "hide_daily_branding": True, "geo": "us-east-1"}
    }
    assert result.properties.lang == "de"


def test_update_is_not_retried(rest: RestClient, rsps: responses.RequestsMock) -> None:
    call = rsps.post(f"{REST_BASE}/", status=503, json={"error": "server-error"})
    with pytest.raises(Exception):  # noqa: B017 (the type is the HTTP layer's business)
        rest.update_domain_config(DomainProperties(lang="de"))
    assert call.call_count == 1


@pytest.mark.parametrize(
    ("props", "field"),
    [
        (DomainProperties(lang="xx"), "lang"),
        (
            DomainProperties(redirect_on_meeting_exit="javascript:alert(1)"),
            "redirect_on_meeting_exit",
        ),
        (DomainProperties(meeting_join_hook="not a url"), "meeting_join_hook"),
        (DomainProperties(rtmp_geo="eu-west-2"), "rtmp_geo"),
        (DomainProperties(recordings_template="{room_name}.mp4"), "recordings_template"),
        (DomainProperties(recordings_template="{epoch_time}.mov"), "recordings_template"),
        (DomainProperties(recordings_template="a b{epoch_time}"), "recordings_template"),
        (DomainProperties(recordings_template="{nope}{epoch_time}"), "recordings_template"),
        (DomainProperties(recordings_template="x" * 1020 + "{epoch_time}"), "recordings_template"),
        (DomainProperties(transcription_template="{room_name}.vtt"), "transcription_template"),
        (DomainProperties(sfu_switchover=0.1), "sfu_switchover"),
        (DomainProperties(hipaa=True), "hipaa"),
        (
            DomainProperties(recordings_bucket=DomainBucket(bucket_name="only-a-name")),
            "recordings_bucket",
        ),
    ],
)
def test_bad_properties_are_refused_before_any_http(
    rest: RestClient, rsps: responses.RequestsMock, props: DomainProperties, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        rest.update_domain_config(props)
    assert caught.value.field == field
    assert len(rsps.calls) == 0


def test_documented_templates_are_accepted(rest: RestClient, rsps: responses.RequestsMock) -> None:
    # The two examples of your-domain/config, `recordings_template`.
    call = rsps.post(f"{REST_BASE}/", json=DOMAIN)
    rest.update_domain_config(
        DomainProperties(
            recordings_template="myprefix-{domain_name}-{epoch_time}.mp4",
            transcription_template="{room_name}/{instance_id}/{epoch_time}",
        )
    )
    assert body_of(call.calls[0])["properties"]["recordings_template"].endswith(".mp4")


def test_changed_fields_compare_effective_values() -> None:
    before = DomainProperties(lang="fr")
    after = DomainProperties(lang="fr", enable_people_ui=True, enable_pip_ui=True)
    # enable_people_ui True is Daily's default already: not a change.
    assert changed_fields(before, after) == ["enable_pip_ui"]


def test_the_domains_dialect_has_no_domain_configuration(domains) -> None:
    with pytest.raises(Unsupported):
        domains.update_domain_config(DomainProperties(lang="de"))
