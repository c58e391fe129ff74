"""Fixtures for the service-layer tests: clients of both dialects with a recognisable token,
a fixed clock, recorded sleeps, and `responses` at the HTTP boundary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import responses
from responses import matchers

from daily import DomainsClient, RestClient, make_client

TOKEN = "sk-test-RECOGNISABLE-0123456789abcdef"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
DOMAINS_BASE = "https://prod-ks.pluot.blue/"
DOMAINS_ROOT = "https://prod-ks.pluot.blue/domains/by-name/acme"
REST_BASE = "https://api.daily.co/v1"
TEAM = "acme"


def auth() -> Any:
    """Matcher: the request carries the bearer token and JSON content type."""
    return matchers.header_matcher(
        {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    )


def body_of(call: Any) -> Any:
    return json.loads(call.request.body) if call.request.body else None


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def rsps() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def ordered() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(
        registry=responses.registries.OrderedRegistry, assert_all_requests_are_fired=True
    ) as mock:
        yield mock


@pytest.fixture
def no_http() -> Iterator[responses.RequestsMock]:
    """Nothing registered: any request would fail, and the test asserts none was made."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
        assert len(mock.calls) == 0


@pytest.fixture
def rest(sleeps: list[float]) -> Iterator[RestClient]:
    client = make_client(
        "rest", REST_BASE, TOKEN, team=TEAM, sleep=sleeps.append, clock=lambda: NOW
    )
    assert isinstance(client, RestClient)
    with client:
        yield client


@pytest.fixture
def domains(sleeps: list[float]) -> Iterator[DomainsClient]:
    client = make_client(
        "domains", DOMAINS_BASE, TOKEN, team=TEAM, sleep=sleeps.append, clock=lambda: NOW
    )
    assert isinstance(client, DomainsClient)
    with client:
        yield client
