"""Which Host and Origin headers the preview answers, for each address it may listen on."""
from __future__ import annotations

import socket

import pytest

from newsgen.preview.hosts import AllowedHosts, machine_names


def test_on_loopback_only_the_loopback_names_with_the_port() -> None:
    hosts = AllowedHosts.bound("127.0.0.1", "127.0.0.1", 8000)
    assert hosts.home == "http://127.0.0.1:8000"
    for host in ("127.0.0.1:8000", "localhost:8000", "localhost.:8000", "[::1]:8000", "[0:0:0:0:0:0:0:1]:8000"):
        assert hosts.allows_host(host), host
    for host in ("127.0.0.1", "127.0.0.1:8001", "127.0.0.2:8000", "127.1:8000", "0x7f000001:8000", "[127.0.0.1]:8000",
                 "attacker.example:8000", "localhost.attacker.example:8000", socket.gethostname() + ":8000",
                 "127.0.0.1:8000:8000", "127.0.0.1:08000x", ":8000", " :8000", "127.0.0.1 :8000", "[::1:8000"):
        assert not hosts.allows_host(host), host


def test_localhost_is_answered_by_its_name_and_address() -> None:
    hosts = AllowedHosts.bound("localhost", "127.0.0.1", 8000)
    assert hosts.home == "http://localhost:8000"
    assert hosts.allows_host("localhost:8000") and hosts.allows_host("127.0.0.1:8000")


def test_on_another_loopback_address_that_address_too() -> None:
    hosts = AllowedHosts.bound("127.0.0.2", "127.0.0.2", 8000)
    assert hosts.allows_host("127.0.0.2:8000") and hosts.allows_host("localhost:8000")


def test_on_ipv6_loopback() -> None:
    hosts = AllowedHosts.bound("::1", "::1", 8000)
    assert hosts.home == "http://[::1]:8000"
    assert hosts.allows_host("[::1]:8000") and not hosts.allows_host("::1:8000")


def test_without_a_port_only_on_port_80() -> None:
    hosts = AllowedHosts.bound("127.0.0.1", "127.0.0.1", 80)
    assert hosts.home == "http://127.0.0.1"
    assert hosts.allows_host("127.0.0.1") and hosts.allows_host("localhost:80")
    assert hosts.allows_origin("http://localhost") and not hosts.allows_host("attacker.example")


def test_on_one_lan_address_that_name_and_address_only() -> None:
    by_address = AllowedHosts.bound("192.168.1.5", "192.168.1.5", 8000)
    assert by_address.allows_host("192.168.1.5:8000")
    assert not by_address.allows_host("127.0.0.1:8000") and not by_address.allows_host("192.168.1.6:8000")
    by_name = AllowedHosts.bound("Mybox.lan", "192.168.1.5", 8000)
    assert by_name.home == "http://Mybox.lan:8000"
    assert by_name.allows_host("mybox.lan:8000") and by_name.allows_host("192.168.1.5:8000")
    assert not by_name.allows_host("localhost:8000") and not by_name.allows_host("attacker.example:8000")


@pytest.mark.parametrize("requested", ["0.0.0.0", "::", ""])
def test_on_every_address_any_address_and_the_machines_names_but_no_other_name(requested: str) -> None:
    """Shared on the LAN the machine's addresses can't all be known, but an address can't be
    rebound: any IP literal is answered, and of DNS names only the machine's own."""
    bound = "::" if requested == "::" else "0.0.0.0"
    hosts = AllowedHosts.bound(requested, bound, 8000)
    for host in ("192.168.1.5:8000", "10.0.0.7:8000", "127.0.0.1:8000", "[fe80::1]:8000", "[::1]:8000", "localhost:8000",
                 *(f"{name}:8000" for name in machine_names())):
        assert hosts.allows_host(host), host
    for host in ("attacker.example:8000", "192.168.1.5:8001", "192.168.1.5.nip.io:8000"):
        assert not hosts.allows_host(host), host
    assert hosts.home == f"http://{socket.gethostname()}:8000"


def test_the_machines_names() -> None:
    names = machine_names()
    short = socket.gethostname().lower().split(".")[0]
    assert {short, f"{short}.local"} <= names and "" not in names


def test_origins_are_http_and_an_allowed_host() -> None:
    hosts = AllowedHosts.bound("127.0.0.1", "127.0.0.1", 8000)
    assert hosts.allows_origin("http://127.0.0.1:8000") and hosts.allows_origin("http://localhost:8000")
    for origin in ("null", "", "https://127.0.0.1:8000", "http://attacker.example:8000", "http://127.0.0.1",
                   "http://127.0.0.1:8000/", "file://", "http://127.0.0.1:8000.attacker.example"):
        assert not hosts.allows_origin(origin), origin
