"""The allowed API hosts (daily/hosts.py): the list, the check before any connection, and
the check of every address connected to, after DNS resolution.

Nothing here sends traffic beyond loopback: names are made to resolve by replacing
`socket.getaddrinfo`, and a refused address is refused before a socket exists."""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from daily import HostNotAllowed, HostPolicy, Unavailable, make_client
from daily import hosts as hosts_module
from daily.hosts import is_public, parse_entry

TOKEN = "sk-test-RECOGNISABLE-0123456789abcdef"


# -- the list ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("api.daily.co", ("api.daily.co", None)),
        ("API.Daily.co.", ("api.daily.co", None)),
        ("127.0.0.1:8765", ("127.0.0.1", 8765)),
        ("[::1]:8000", ("::1", 8000)),
        ("[::1]", ("::1", None)),
        ("::1", ("::1", None)),
        ("localhost:9", ("localhost", 9)),
    ],
)
def test_an_entry_is_a_host_with_an_optional_port(entry, expected):
    assert parse_entry(entry) == expected


@pytest.mark.parametrize(
    "entry", ["", "http://api.daily.co", "a b", "host:0", "host:70000", "host:x", "[::1", "u@h"]
)
def test_a_malformed_entry_is_refused_naming_it(entry):
    with pytest.raises(ValueError, match=r"is not a host|no valid port"):
        parse_entry(entry)


def test_a_bare_host_allows_any_port_and_a_host_with_a_port_only_that_port():
    policy = HostPolicy.parse(["api.daily.co", "127.0.0.1:8765"])
    assert policy.url_allowed("https://api.daily.co/v1")
    assert policy.url_allowed("https://API.daily.co:8443/v1")
    assert policy.url_allowed("http://127.0.0.1:8765/v1")
    assert not policy.url_allowed("http://127.0.0.1:8766/v1")
    assert not policy.url_allowed("http://127.0.0.1/v1")  # port 80
    assert not policy.url_allowed("https://api.daily.co.evil.test/v1")
    assert not policy.url_allowed("https://evil.test/api.daily.co")


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "127.0.0.1",
        "169.254.169.254",
        "192.168.1.1",
        "172.16.0.1",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 - an address to classify, nothing binds it
        "224.0.0.1",
        "::1",
        "fd00::1",
        "fe80::1",
        "::ffff:10.0.0.1",
        "64:ff9b::a00:1",
    ],
)
def test_special_purpose_addresses_are_not_public(address):
    assert not is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8"])
def test_internet_addresses_are_public(address):
    assert is_public(ipaddress.ip_address(address))


# -- before any connection -----------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch) -> list[tuple]:
    """Any name resolution or socket connection fails the test."""
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"a connection was attempted: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/",
        "http://10.0.0.1/v1",
        "http://localhost:6379/",
        "http://192.168.1.1/",
        "http://127.0.0.1:8765/v1",
        "https://api.daily.co.evil.test/v1",
    ],
)
def test_a_base_url_outside_the_list_is_refused_before_any_connection(url, no_network):
    policy = HostPolicy.parse(["api.daily.co", "prod-ks.pluot.blue"])
    with pytest.raises(HostNotAllowed) as caught:
        make_client("rest", url, TOKEN, host_policy=policy)
    assert not caught.value.retryable
    assert TOKEN not in str(caught.value)
    assert no_network == []


# -- at connect time -----------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a second request reuses the connection

    def do_GET(self):
        self.server.hits.append((self.path, self.headers.get("Authorization")))  # type: ignore[attr-defined]
        location = getattr(self.server, "redirect_to", None)
        if location:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = b'{"domain_name": "acme", "config": {}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.hits = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _resolving(monkeypatch, answers: dict[str, list[str]]) -> list[str]:
    """Make the names in `answers` resolve to those addresses; record every lookup."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def fake(host, port, *args, **kwargs):
        lookups.append(host)
        if host in answers:
            family = socket.AF_INET6 if ":" in answers[host][0] else socket.AF_INET
            return [
                (family, socket.SOCK_STREAM, 6, "", (address, port)) for address in answers[host]
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(hosts_module.socket, "getaddrinfo", fake)
    return lookups


def _client(url: str, entries: list[str]):
    return make_client("rest", url, TOKEN, host_policy=HostPolicy.parse(entries), max_retries=0)


def test_a_listed_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    lookups = _resolving(monkeypatch, {"evil.test": ["10.0.0.7"]})
    connects: list[object] = []
    monkeypatch.setattr(
        socket.socket, "connect", lambda self, addr: connects.append(addr), raising=True
    )
    with _client("https://evil.test/v1", ["evil.test"]) as client, pytest.raises(HostNotAllowed):
        client.domain_config()
    assert lookups == ["evil.test"]
    assert connects == []  # refused before any socket connected


@pytest.mark.parametrize("address", ["169.254.169.254", "127.0.0.1", "fd00::5", "::1"])
def test_every_kind_of_non_public_address_is_refused_behind_a_listed_name(monkeypatch, address):
    _resolving(monkeypatch, {"evil.test": [address]})
    with _client("http://evil.test/v1", ["evil.test"]) as client, pytest.raises(HostNotAllowed):
        client.domain_config()


def test_an_explicitly_listed_address_is_allowed(local_server):
    port = local_server.server_address[1]
    with _client(f"http://127.0.0.1:{port}/v1", [f"127.0.0.1:{port}"]) as client:
        assert client.domain_config().domain_name == "acme"
    assert local_server.hits == [("/v1/", f"Bearer {TOKEN}")]


def test_a_listed_name_reaches_a_private_address_only_when_that_address_is_listed(
    monkeypatch, local_server
):
    port = local_server.server_address[1]
    lookups = _resolving(monkeypatch, {"sim.test": ["127.0.0.1"]})
    with (
        _client(f"http://sim.test:{port}/v1", ["sim.test"]) as client,
        pytest.raises(HostNotAllowed),
    ):
        client.domain_config()
    assert local_server.hits == []
    with _client(f"http://sim.test:{port}/v1", ["sim.test", f"127.0.0.1:{port}"]) as client:
        assert client.domain_config().domain_name == "acme"
        # The connection goes to the address that was checked: one lookup, no second one.
        assert client.domain_config().domain_name == "acme"
    assert lookups == ["sim.test", "sim.test"]  # one per client (each its own connection)
    assert len(local_server.hits) == 2


def test_a_name_with_a_private_and_a_public_answer_connects_only_to_an_allowed_one(
    monkeypatch, local_server
):
    port = local_server.server_address[1]
    # 10.0.0.9 first: it is skipped, never connected to; the listed loopback answers.
    _resolving(monkeypatch, {"mixed.test": ["10.0.0.9", "127.0.0.1"]})
    connected: list[object] = []
    real_connect = socket.socket.connect

    def connect(self, address):
        connected.append(address[0])
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    with _client(f"http://mixed.test:{port}/v1", ["mixed.test", "127.0.0.1"]) as client:
        assert client.domain_config().domain_name == "acme"
    assert connected == ["127.0.0.1"]


def test_listed_localhost_reaches_loopback(local_server):
    port = local_server.server_address[1]
    with _client(f"http://localhost:{port}/v1", [f"localhost:{port}"]) as client:
        assert client.domain_config().domain_name == "acme"


def test_a_redirect_is_not_followed_to_another_host(local_server):
    port = local_server.server_address[1]
    other = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    other.hits = []  # type: ignore[attr-defined]
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        local_server.redirect_to = f"http://127.0.0.1:{other.server_address[1]}/v1/"  # type: ignore[attr-defined]
        entries = [f"127.0.0.1:{port}", f"127.0.0.1:{other.server_address[1]}"]
        client = _client(f"http://127.0.0.1:{port}/v1", entries)
        with client, pytest.raises(Unavailable, match="unexpected redirect"):
            client.domain_config()
        assert other.hits == []  # type: ignore[attr-defined]
    finally:
        other.shutdown()
        other.server_close()


def test_proxy_variables_are_ignored(monkeypatch, local_server):
    port = local_server.server_address[1]
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    proxy.hits = []  # type: ignore[attr-defined]
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
        monkeypatch.setenv("NO_PROXY", "")
        with _client(f"http://127.0.0.1:{port}/v1", [f"127.0.0.1:{port}"]) as client:
            client.domain_config()
        assert proxy.hits == []  # type: ignore[attr-defined]
        assert len(local_server.hits) == 1
    finally:
        proxy.shutdown()
        proxy.server_close()


def test_without_a_policy_nothing_changes(local_server):
    port = local_server.server_address[1]
    with make_client("rest", f"http://127.0.0.1:{port}/v1", TOKEN) as client:
        assert client.domain_config().domain_name == "acme"


def _self_signed(tmp_path, name: str):
    """A certificate for `name` and its key, as files (the test's own little CA of one)."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def test_https_to_a_checked_address_still_verifies_the_certificate_for_the_name(
    monkeypatch, tmp_path
):
    import ssl

    import requests

    cert_file, key_file = _self_signed(tmp_path, "sim.test")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.hits = []  # type: ignore[attr-defined]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        _resolving(monkeypatch, {"sim.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
        entries = ["sim.test", "other.test", f"127.0.0.1:{port}"]
        session = requests.Session()
        session.verify = str(cert_file)
        policy = HostPolicy.parse(entries)
        url = f"https://sim.test:{port}/v1"
        with make_client("rest", url, TOKEN, host_policy=policy, session=session) as client:
            assert client.domain_config().domain_name == "acme"
        # The same address under a name the certificate does not carry: TLS refuses it.
        wrong = requests.Session()
        wrong.verify = str(cert_file)
        url = f"https://other.test:{port}/v1"
        with (
            make_client(
                "rest", url, TOKEN, host_policy=policy, session=wrong, max_retries=0
            ) as client,
            pytest.raises(Unavailable),
        ):
            client.domain_config()
        assert len(server.hits) == 1  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
