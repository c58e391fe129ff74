"""Which hosts a client may send a team's token to, checked twice.

An API base URL is chosen by a team's owner, and every request to it carries the team's
token. `HostPolicy` is the operator's list of allowed hosts (`host` or `host:port`; a bare
host allows any port) and is enforced in two places:

1. Before any connection: `make_client` refuses a base URL whose host (and port) is not
   listed (`HostNotAllowed`). Nothing is sent to an unlisted host, so a refused URL tells
   nothing about what listens there.
2. At connect time, after DNS resolution: `guard_session` mounts a transport adapter whose
   connections resolve the name once, check every address, and connect to a checked
   address itself, so a DNS answer that changes between a check and the connection (DNS
   rebinding) cannot lead elsewhere. An address that is not public (loopback, private,
   link-local such as 169.254.169.254, unique-local, shared, reserved, multicast) is
   refused unless the operator listed that address itself (`127.0.0.1:8765`), or the URL
   names `localhost` (listed) and the address is loopback. A listed public name that
   resolves to 10.0.0.1 is therefore refused.

Redirects are never followed (`daily.http.Transport` sends with `allow_redirects=False`)
and proxies from the environment are ignored on a guarded session: a proxy would resolve
the name where it cannot be checked.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util.connection import _set_socket_options
from urllib3.util.timeout import _DEFAULT_TIMEOUT

from daily.errors import DailyError

DEFAULT_PORTS = {"http": 80, "https": 443}
_LOCALHOST_NAMES = ("localhost", "localhost.")
# NAT64's well-known prefix carries an IPv4 address in its last 32 bits (RFC 6052).
_NAT64 = ipaddress.ip_network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
ADDRESS_REFUSED = (
    "The API host resolves to an address that is not allowed (only public addresses, or "
    "addresses listed in DAILY_API_HOSTS); nothing was sent."
)


class HostNotAllowed(DailyError):
    """The base URL's host, or the address it resolves to, is not allowed; nothing was sent.

    Not retryable: the same URL meets the same list."""


class AddressRefused(Exception):
    """Raised inside a connection attempt; the transport turns it into `HostNotAllowed`.

    Deliberately not an OSError: urllib3 and requests let it through unchanged, so it is
    never retried or reported as "could not be reached"."""


def _normal_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    host = host.rstrip(".") if host not in _LOCALHOST_NAMES else "localhost"
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def parse_entry(entry: str) -> tuple[str, int | None]:
    """`host`, `host:port`, `[v6]` or `[v6]:port` as (normalised host, port or None).

    Raises ValueError with a message that names the entry (it is configuration, not a secret).
    """
    text = entry.strip()
    if not text or "/" in text or "@" in text or any(c.isspace() for c in text):
        raise ValueError(f"{entry!r} is not a host or host:port")
    port: int | None = None
    if text.startswith("["):
        host, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise ValueError(f"{entry!r} is not a host or host:port")
        port_text = rest[1:] if rest else None
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:  # a plain name, or a bare IPv6 address (no port)
        host, port_text = text, None
    if port_text is not None:
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ValueError(f"{entry!r} has no valid port")
        port = int(port_text)
    host = _normal_host(host)
    if not host:
        raise ValueError(f"{entry!r} is not a host or host:port")
    return host, port


def _ip(value: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(value.split("%", 1)[0])  # drop an IPv6 zone
    except ValueError:
        return None


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet; False for every special-purpose range."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return is_public(address.ipv4_mapped)
        if address in _NAT64:
            return is_public(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_unspecified
        and not address.is_loopback
        and not address.is_link_local
    )


@dataclass(frozen=True)
class HostPolicy:
    """The allowed hosts: (normalised host, port or None for any port)."""

    entries: frozenset[tuple[str, int | None]]

    @classmethod
    def parse(cls, items: Iterable[str]) -> HostPolicy:
        return cls(frozenset(parse_entry(item) for item in items))

    def listed(self, host: str, port: int) -> bool:
        host = _normal_host(host)
        return (host, None) in self.entries or (host, port) in self.entries

    def describe(self) -> str:
        """The list as an operator writes it, sorted: for messages."""
        shown = []
        for host, port in sorted(self.entries, key=lambda e: (e[0], e[1] or 0)):
            name = f"[{host}]" if ":" in host else host
            shown.append(name if port is None else f"{name}:{port}")
        return ", ".join(shown)

    def url_allowed(self, url: str) -> bool:
        try:
            parts = urlsplit(url)
            port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
        except ValueError:
            return False
        if not parts.hostname or port is None:
            return False
        return self.listed(parts.hostname, port)

    def check_url(self, url: str) -> None:
        """Raise HostNotAllowed unless the URL's host (and port) is listed."""
        if not self.url_allowed(url):
            raise HostNotAllowed(
                "The API base URL's host is not one of the allowed API hosts "
                "(DAILY_API_HOSTS); nothing was sent to it."
            )

    def address_allowed(self, host: str, port: int, address: str) -> bool:
        """May a connection for `host` go to `address` (from DNS, or the host itself)?"""
        ip = _ip(address)
        if ip is None:
            return False
        if is_public(ip):
            return True
        if self.listed(str(ip), port):
            return True  # the operator named this very address
        return _normal_host(host) == "localhost" and ip.is_loopback and self.listed(host, port)


# -- the connection-time check ---------------------------------------------------------


class _GuardedConnectionMixin:
    """A urllib3 connection that resolves once, checks, and connects to a checked address."""

    policy: HostPolicy

    def _new_conn(self) -> socket.socket:
        conn: Any = self
        host, port = conn._dns_host, conn.port
        try:
            infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(conn.host, conn, exc) from exc
        candidates = [info for info in infos if self.policy.address_allowed(host, port, info[4][0])]
        if not candidates:
            raise AddressRefused(
                "The API host resolves only to addresses that are not public and not listed "
                "in DAILY_API_HOSTS."
            )
        error: OSError | None = None
        for family, socktype, proto, _name, sockaddr in candidates:
            sock = None
            try:
                sock = socket.socket(family, socktype, proto)
                _set_socket_options(sock, conn.socket_options)
                if conn.timeout is not _DEFAULT_TIMEOUT:
                    sock.settimeout(conn.timeout)
                if conn.source_address:
                    sock.bind(conn.source_address)
                sock.connect(sockaddr)
                # The peer is the checked address, not whatever a second lookup would say.
                peer = sock.getpeername()[0]
                if not self.policy.address_allowed(host, port, peer):
                    raise AddressRefused("The connection reached an address that is not allowed.")
            except TimeoutError as exc:
                if sock is not None:
                    sock.close()
                raise ConnectTimeoutError(
                    conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
                ) from exc
            except OSError as exc:
                if sock is not None:
                    sock.close()
                error = exc
                continue
            except AddressRefused:
                if sock is not None:
                    sock.close()
                raise
            sys.audit("http.client.connect", conn, conn.host, conn.port)
            return sock
        raise NewConnectionError(conn, f"Failed to establish a new connection: {error}")


@lru_cache(maxsize=32)
def _pool_classes(policy: HostPolicy) -> dict[str, type]:
    http_conn = type("GuardedHTTPConnection", (_GuardedConnectionMixin, HTTPConnection), {})
    https_conn = type("GuardedHTTPSConnection", (_GuardedConnectionMixin, HTTPSConnection), {})
    http_conn.policy = https_conn.policy = policy
    return {
        "http": type(
            "GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}
        ),
        "https": type(
            "GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}
        ),
    }


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose connections check the address they connect to."""

    __attrs__ = [*HTTPAdapter.__attrs__, "policy"]

    def __init__(self, policy: HostPolicy, **kwargs: Any) -> None:
        self.policy = policy
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _pool_classes(self.policy)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        # Through a proxy, the name is resolved where it cannot be checked.
        raise AddressRefused("A proxy cannot be used for the Daily API.")


def guard_session(session: requests.Session, policy: HostPolicy) -> requests.Session:
    """Make `session` check every address it connects to, and ignore proxy variables."""
    adapter = GuardedAdapter(policy)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False
    return session
