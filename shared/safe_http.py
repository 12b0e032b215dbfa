"""Outbound HTTP to URLs that users give (webhook receivers), guarded against server-side request
forgery.

- `check_syntax(url)`: https (or http, for loopback receivers when allowed), a host, no user
  info or fragment, at most 2,000 characters. No I/O: request models use it.
- `vet(url, allow_loopback)`: resolves the host and refuses the URL when any address it resolves to
  is loopback (unless allowed), private, link-local, multicast, unspecified, reserved, shared
  (carrier-grade NAT) or a cloud metadata address. IPv4 written as one number, in octal or hex
  (`2130706433`, `0177.0.0.1`, `0x7f.1`) is read as the address it means, and IPv6 forms that
  embed an IPv4 address (`::ffff:10.0.0.1`, 6to4, NAT64, Teredo) are judged by that address too.
- `post(target, ...)`: sends (shared/pinned_http.py) to the address `vet` checked, never to a fresh DNS answer (so a DNS
  rebinding between the check and the connection cannot switch it), with the URL's host name kept
  for the Host header, TLS SNI and certificate verification; redirects are not followed, proxies
  from the environment are not used, and the whole exchange (connect, TLS, send, response headers)
  has one deadline. The response body is never read.

Messages never name the addresses a host resolved to: an admin must not be able to map the
network behind the functions by registering host names.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 2000
# Cloud metadata services: AWS (IPv4, IPv6, ECS task metadata), Alibaba, Oracle. Most are also
# link-local or private; named so that a refusal says what it is.
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "169.254.170.23", "fd00:ec2::254", "fd00:ec2::23", "100.100.100.200", "192.0.0.192")
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NUMERIC_IPV4 = re.compile(r"^(0x[0-9a-f]*|\d+)(\.(0x[0-9a-f]*|\d+)){0,3}$", re.IGNORECASE)
USER_AGENT = "Teamified-Webhooks/1.0"
REASONS = {
    "loopback": "a loopback address",
    "metadata": "a cloud metadata address",
    "link_local": "a link-local address",
    "private": "a private network address",
    "multicast": "a multicast address",
    "unspecified": "an unspecified address",
    "reserved": "a reserved address",
    "shared": "a shared (carrier-grade NAT) address",
}


class UrlRefused(Exception):
    """A URL the functions will not send to; the message says why, safe to show to its owner."""


@dataclass(frozen=True)
class Target:
    """A vetted URL and the addresses it may be sent to (all of them checked)."""

    url: str
    host: str
    port: int
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    """What one POST came to: the response status, or why none came."""

    status: int | None
    latency_ms: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def check_syntax(url: str) -> str:
    """The URL, trimmed, when its form is acceptable (ValueError saying why otherwise). No I/O."""
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise ValueError(f"The URL is longer than {MAX_URL_LENGTH} characters.")
    if any(ord(char) <= 32 or ord(char) == 127 for char in url):
        raise ValueError("The URL contains spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ValueError("The URL is not valid.") from exc
    if parts.scheme not in ("https", "http"):
        raise ValueError("The URL must start with https://.")
    if not parts.hostname:
        raise ValueError("The URL has no host.")
    if "@" in parts.netloc:
        raise ValueError("The URL must not contain a user name or password.")
    if parts.fragment or url.endswith("#"):
        raise ValueError("The URL must not contain a fragment (#...).")
    if port == 0:
        raise ValueError("The URL's port is not valid.")
    if _literal_address(parts.hostname) is None:
        try:
            parts.hostname.encode("idna")
        except UnicodeError as exc:
            raise ValueError("The URL's host name is not valid.") from exc
    return url


def _literal_address(host: str) -> Address | None:
    """The address a host names literally (IPv6, dotted IPv4, or IPv4 as one number, octal or
    hex, as inet_aton reads them), or None for a host name."""
    try:
        return ipaddress.ip_address(host.split("%", 1)[0] if ":" in host else host)
    except ValueError:
        pass
    if NUMERIC_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address (the server's is public by construction)
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if int(address) >> 32 == 0 and int(address) > 1:  # IPv4-compatible (deprecated): ::a.b.c.d
        return ipaddress.IPv4Address(int(address))
    return None


def refusal(address: Address, allow_loopback: bool = False) -> str | None:
    """Why an address must not be sent to (a key of REASONS), or None when it may."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            if address.ipv4_mapped is not None or address in NAT64 or int(address) >> 32 == 0:
                return refusal(embedded, allow_loopback)  # the same host as the IPv4 address
            reason = refusal(embedded, allow_loopback)
            if reason is not None:
                return reason
    if address in METADATA:
        return "metadata"
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    if address.is_link_local:
        return "link_local"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "private"  # fec0::/10, deprecated site-local: private by intent, though Python calls it global
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv4Address) and address in ipaddress.IPv4Network("100.64.0.0/10"):
        return "shared"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:
        return "reserved"
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses a host name resolves to (the resolver tests replace)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def vet(url: str, allow_loopback: bool = False) -> Target:
    """The URL with the addresses it resolves to, every one of them allowed; UrlRefused otherwise."""
    try:
        url = check_syntax(url)
    except ValueError as exc:
        raise UrlRefused(str(exc)) from exc
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = _literal_address(host)
    if literal is not None:
        addresses: list[Address] = [literal]
    else:
        try:
            addresses = [ipaddress.ip_address(found.split("%", 1)[0]) for found in resolve(host, port)]
        except (OSError, UnicodeError, ValueError) as exc:
            raise UrlRefused("The URL's host does not resolve to a public internet address.") from exc
        if not addresses:
            raise UrlRefused("The URL's host does not resolve to a public internet address.")
    reasons = [reason for reason in (refusal(address, allow_loopback) for address in addresses) if reason]
    if reasons:
        if literal is not None:
            raise UrlRefused(f"The URL points to {REASONS[reasons[0]]}; only public internet addresses are allowed.")
        raise UrlRefused("The URL's host does not resolve to a public internet address.")
    if parts.scheme != "https" and not all(address.is_loopback for address in addresses):
        raise UrlRefused("The URL must start with https:// (http is allowed only for a receiver on this machine).")
    return Target(url=url, host=host, port=port, addresses=tuple(str(address) for address in addresses))


def post(target: Target, body: bytes, headers: Mapping[str, str], timeout_s: float) -> Outcome:
    """POST `body` to a vetted target; the response status, or why there was none. One attempt,
    no redirects followed, the response body not read (shared/pinned_http.py, imported with
    httpcore by the first send: the webhooks function's other routes never need it)."""
    from shared import pinned_http

    return pinned_http.post(target, body, headers, timeout_s)
