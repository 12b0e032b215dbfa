"""The SSRF guard of outbound webhook requests: which addresses are refused (IPv4, IPv6, IPv4
embedded in IPv6, numbers in decimal, octal and hex), URL forms, and host names resolving to
refused addresses. The resolver is replaced in every test: nothing here sends or resolves anything."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from shared import safe_http


@pytest.fixture(autouse=True)
def no_dns(monkeypatch):
    """Host names resolve only through the table a test gives; any other look-up fails the test."""

    def unexpected(host, port):
        raise AssertionError(f"unexpected DNS look-up of {host}")

    monkeypatch.setattr(safe_http, "resolve", unexpected)
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: (_ for _ in ()).throw(AssertionError("real resolver called")))


def resolves_to(monkeypatch, *addresses: str) -> None:
    monkeypatch.setattr(safe_http, "resolve", lambda host, port: list(addresses))


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("93.184.215.14", None),  # public IPv4
        ("2606:4700:4700::1111", None),  # public IPv6
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),  # all of 127/8
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),  # unique local
        ("fec0::1", "private"),  # deprecated site-local
        ("169.254.169.254", "metadata"),  # AWS, GCP, Azure instance metadata
        ("169.254.170.2", "metadata"),  # ECS task metadata
        ("fd00:ec2::254", "metadata"),  # AWS IMDS over IPv6
        ("100.100.100.200", "metadata"),  # Alibaba Cloud
        ("192.0.0.192", "metadata"),  # Oracle Cloud
        ("169.254.1.1", "link_local"),
        ("fe80::1", "link_local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "shared"),  # carrier-grade NAT
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),  # broadcast
        ("192.0.2.1", "private"),  # documentation (TEST-NET-1)
        ("198.18.0.1", "private"),  # benchmarking
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "metadata"),
        ("::ffff:93.184.215.14", None),  # mapped public: the same host as its IPv4 address
        ("::a00:1", "private"),  # IPv4-compatible (deprecated)
        ("64:ff9b::a9fe:a9fe", "metadata"),  # NAT64 of 169.254.169.254
        ("64:ff9b::5db8:d70e", None),  # NAT64 of a public address
        ("2002:a00:1::1", "private"),  # 6to4 of 10.0.0.1
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
    ],
)
def test_addresses_are_classified(address, reason):
    assert safe_http.refusal(ipaddress.ip_address(address)) == reason


def test_loopback_is_allowed_only_when_configured_and_nothing_else_with_it():
    for address in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert safe_http.refusal(ipaddress.ip_address(address), allow_loopback=True) is None
    for address in ("10.0.0.1", "169.254.169.254", "fd00:ec2::254", "0.0.0.0"):
        assert safe_http.refusal(ipaddress.ip_address(address), allow_loopback=True) is not None


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("https://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://10.0.0.1/hook", "private"),
        ("https://[::ffff:a00:1]/hook", "private"),
        ("https://[fd00:ec2::254]/", "metadata"),
        ("https://[fe80::1%25eth0]/", "link-local"),
        ("https://2130706433/", "loopback"),  # 127.0.0.1 as one decimal number
        ("https://0177.0.0.1/", "loopback"),  # octal
        ("https://0x7f.1/", "loopback"),  # hex, short form
        ("https://0xa9fea9fe/", "metadata"),  # 169.254.169.254 in hex
        ("https://012.0.0.1/", "private"),  # 10.0.0.1 in octal
        ("https://167772161/", "private"),  # 10.0.0.1 in decimal
        ("https://127.1/", "loopback"),
        ("https://0/", "unspecified"),
    ],
)
def test_urls_naming_refused_addresses_are_refused_without_any_lookup(url, names):
    with pytest.raises(safe_http.UrlRefused, match=names):
        safe_http.vet(url)


@pytest.mark.parametrize("addresses", [("10.0.0.1",), ("93.184.215.14", "10.0.0.1"), ("169.254.169.254",), ("::1",), ("fd00::5",)])
def test_a_host_name_resolving_to_any_refused_address_is_refused(monkeypatch, addresses):
    resolves_to(monkeypatch, *addresses)
    with pytest.raises(safe_http.UrlRefused) as refused:
        safe_http.vet("https://hooks.example.com/x")
    assert "public internet address" in str(refused.value)
    assert all(address not in str(refused.value) for address in addresses)  # never names what it resolved to


def test_a_host_name_that_does_not_resolve_is_refused(monkeypatch):
    def fail(host, port):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(safe_http, "resolve", fail)
    with pytest.raises(safe_http.UrlRefused, match="does not resolve"):
        safe_http.vet("https://nowhere.example.com/")


def test_a_public_host_is_allowed_with_the_addresses_checked(monkeypatch):
    resolves_to(monkeypatch, "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    target = safe_http.vet("https://hooks.example.com:8443/in?x=1")
    assert (target.host, target.port, target.url) == ("hooks.example.com", 8443, "https://hooks.example.com:8443/in?x=1")
    assert target.addresses == ("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")


def test_http_is_refused_for_public_hosts_even_when_loopback_is_allowed(monkeypatch):
    resolves_to(monkeypatch, "93.184.215.14")
    with pytest.raises(safe_http.UrlRefused, match="https"):
        safe_http.vet("http://hooks.example.com/", allow_loopback=True)


def test_local_receivers_are_allowed_over_http_only_when_loopback_is(monkeypatch):
    assert safe_http.vet("http://127.0.0.1:9000/hooks", allow_loopback=True).addresses == ("127.0.0.1",)
    resolves_to(monkeypatch, "127.0.0.1", "::1")
    assert safe_http.vet("http://localhost:9000/hooks", allow_loopback=True).port == 9000
    with pytest.raises(safe_http.UrlRefused, match="loopback"):
        safe_http.vet("http://127.0.0.1:9000/hooks")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://hooks.example.com/", "https://"),
        ("file:///etc/passwd", "https://"),
        ("gopher://127.0.0.1:6379/_", "https://"),
        ("https://", "no host"),
        ("https://user:pass@hooks.example.com/", "user name"),
        ("https://hooks.example.com@169.254.169.254/", "user name"),
        ("https://hooks.example.com/#frag", "fragment"),
        ("https://hooks.example.com:99999/", "not valid"),
        ("https://hooks.example.com/a b", "spaces"),
        ("https://hooks.example.com/\r\nHost: evil", "spaces"),
        ("https://" + "a" * 2000 + ".example.com/", "longer"),
    ],
)
def test_urls_of_the_wrong_form_are_refused_before_any_lookup(url, message):
    with pytest.raises(ValueError, match=message):
        safe_http.check_syntax(url)
    with pytest.raises(safe_http.UrlRefused, match=message):
        safe_http.vet(url)
