"""Which ``Host`` and ``Origin`` headers the preview answers: its guard against DNS rebinding.

A page on ``attacker.example`` whose name the attacker then points at 127.0.0.1 reaches
the preview as its own origin, and could read it, drafts and embargoed articles
included. Its requests still say ``Host: attacker.example:PORT``, so the preview answers
only the names it was started for, always with its port (a Host without a port only when
the port is 80, where browsers leave it out):

- bound to loopback (the default): ``127.0.0.1``, ``localhost``, ``[::1]`` and the bound
  address;
- bound to one address or name (``--host 192.168.1.5``, ``--host mybox.lan``): that name
  and the address it bound to;
- bound to every address (``--host 0.0.0.0`` or ``::``, to share it on the LAN): any IP
  address, ``localhost`` and this machine's own names (its host name, short name,
  ``NAME.local`` and fully qualified name). An address cannot be rebound; a DNS name
  could, so other names are refused.

An ``Origin`` header, when a request has one, must be ``http://`` and one of these.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
LOOPBACK_NAMES = frozenset({"localhost"})
LOOPBACK_ADDRESSES: frozenset[Address] = frozenset({ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")})
DEFAULT_PORT = 80
"""The port a browser leaves out of Host and Origin (http)."""
_AUTHORITY = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^\[\]:@/\\?#\s]+)(?::(?P<port>[0-9]{1,5}))?")


@dataclass(frozen=True)
class AllowedHosts:
    """The names and addresses one preview server answers to, on its port."""

    port: int
    home: str
    """The URL to suggest instead, without the base path (``http://127.0.0.1:8000``)."""
    names: frozenset[str] = frozenset()
    """DNS names, lower case, without a trailing dot."""
    addresses: frozenset[Address] = frozenset()
    any_address: bool = False

    @classmethod
    def bound(cls, requested: str, bound: str, port: int) -> AllowedHosts:
        """The rule for a server asked to listen on *requested* (``--host``), which bound
        the address *bound* and *port*."""
        address = ipaddress.ip_address(bound.partition("%")[0])
        given = _address(requested)
        name = "" if given is not None else _name(requested)
        if address.is_unspecified:
            names = machine_names() | LOOPBACK_NAMES | ({name} - {""})
            return cls(port, _url(socket.gethostname() or "localhost", port), frozenset(names), any_address=True)
        addresses = {address} | ({given} if given is not None else set())
        names = {name} - {""}
        if address.is_loopback:
            addresses |= LOOPBACK_ADDRESSES
            names |= LOOPBACK_NAMES
        return cls(port, _url(requested or bound, port), frozenset(names), frozenset(addresses))

    def allows_host(self, authority: str) -> bool:
        """Whether a ``Host`` header (``name:port``, ``[v6]:port``) names this server."""
        found = _AUTHORITY.fullmatch(authority.strip())
        if found is None:
            return False
        port = int(found["port"]) if found["port"] else DEFAULT_PORT
        if port != self.port:
            return False
        host = found["host"]
        if host.startswith("["):
            given = _address(host[1:-1])
            if not isinstance(given, ipaddress.IPv6Address):
                return False
        else:
            given = _address(host)
        if given is not None:
            return self.any_address or given in self.addresses
        return _name(host) in self.names

    def allows_origin(self, origin: str) -> bool:
        """Whether an ``Origin`` header (``http://name:port``) is this server's own."""
        scheme, _, authority = origin.strip().partition("://")
        return scheme.lower() == "http" and self.allows_host(authority)


def machine_names() -> frozenset[str]:
    """This machine's names: host name, short name, its ``.local`` (mDNS) name and the
    fully qualified name its resolver gives."""
    host = _name(socket.gethostname())
    short = host.split(".")[0]
    names = {host, short, f"{short}.local", _name(socket.getfqdn())}
    return frozenset(names - {"", "local", ".local"})


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _name(text: str) -> str:
    return text.lower().removesuffix(".")


def _url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}" if port == DEFAULT_PORT else f"http://{shown}:{port}"
