"""The preview's HTTP server: a built folder on loopback, live reload, an error overlay.

Standard library only. Every response carries ``Cache-Control: no-store`` (a save
within the same second must never be served from cache). HTML responses get the
live-reload script, and the overlay when the last rebuild failed; the files on disk
never do. Requests wait while a rebuild is pending, so nobody sees the page a save
is about to replace. Only requests for the server's own names are answered
(`newsgen.preview.hosts`: DNS rebinding), and every request gets an answer, an error included.
"""
from __future__ import annotations

import queue
import socket
import threading
import traceback
from collections.abc import Callable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import cast
from urllib.parse import urlsplit

from newsgen.core.errors import NewsgenError
from newsgen.core.mediatypes import content_type
from newsgen.preview.files import HTML, PLAIN_TEXT, SCRIPT, locate, site_path
from newsgen.preview.hosts import AllowedHosts
from newsgen.preview.overlay import LIVE, LIVE_PREFIX, Status, decorate

WAIT_FOR_REBUILD = 30.0
PING_SECONDS = 15.0
MAX_TARGET = 8192
"""Longest request target answered, in bytes (RFC 9110 asks for at least 8,000); longer
ones get 414."""
class Hub:
    """Server-sent events: every connected browser hears each new build id."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._clients: set[queue.SimpleQueue[str | None]] = set()
        self._closed = False

    def subscribe(self) -> queue.SimpleQueue[str | None] | None:
        with self._lock:
            if self._closed:
                return None
            client: queue.SimpleQueue[str | None] = queue.SimpleQueue()
            self._clients.add(client)
            return client

    def unsubscribe(self, client: queue.SimpleQueue[str | None]) -> None:
        with self._lock:
            self._clients.discard(client)

    def publish(self, message: str) -> None:
        with self._lock:
            for client in self._clients:
                client.put(message)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        with self._lock:
            self._closed = True
            for client in self._clients:
                client.put(None)

    @property
    def clients(self) -> int:
        with self._lock:
            return len(self._clients)


class PreviewServer(ThreadingHTTPServer):
    """Serves *root* at the site's base path (``/`` or e.g. ``/noticias/``)."""

    daemon_threads = True
    request_queue_size = socket.SOMAXCONN
    """The listen backlog (socketserver's default of 5 drops a burst of connections: their
    SYN is sent again a second later). The kernel caps it at net.core.somaxconn."""

    def __init__(
        self, address: tuple[str, int], root: Path, prefix: str = "/", ready: threading.Event | None = None
    ) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.hosts = AllowedHosts.bound(address[0], str(self.server_address[0]), self.port)
        self.root = root.resolve()
        self.prefix = prefix
        self.status = Status(build="0")
        self.hub = Hub()
        self.ready = ready or threading.Event()
        """Set while the served folder is current; requests wait for it."""
        self.fallback: Mapping[str, Path] = {}
        """A copy of a photograph not made yet (``media/…``) → the source file served meanwhile."""
        self.make: Callable[[str, str], None] = lambda prefix, url_path: None
        """Writes the file a request (*prefix*, *url_path*) reads if it is planned and not
        written yet (the session's `newsgen.preview.served.ServedPages.make`)."""

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    def show(self, status: Status) -> None:
        """Serve *status* from now on and tell every open tab."""
        self.status = status
        self.hub.publish(status.build)

    def handle_error(self, request: object, client_address: object) -> None:
        """A browser that hangs up mid-response is no error worth a traceback."""


NOT_BUILT = b'<!doctype html><html lang="en"><meta charset="utf-8"><title>newsgen: not built</title><body></body></html>'
NOT_MADE = b'<!doctype html><html lang="en"><meta charset="utf-8"><title>newsgen: page not made</title><body></body></html>'


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "newsgen-preview"
    responded = False
    """Whether this request's status line has gone out."""

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal is for problems and rebuilds."""

    @property
    def preview(self) -> PreviewServer:
        return cast(PreviewServer, self.server)

    def send_response(self, code: int, message: str | None = None) -> None:
        self.responded = True
        super().send_response(code, message)

    def _respond(self, send_body: bool) -> None:
        self.responded = False
        try:
            refused = self._refusal()
            if refused is not None:
                self.close_connection = True
                self._send(refused[0], PLAIN_TEXT, f"newsgen preview: {refused[1]}\n".encode(), send_body)
            else:
                self._answer(send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # a bug must not leave the browser with a closed connection and no word
            traceback.print_exc()
            self.close_connection = True
            if not self.responded:
                message = b"newsgen preview: internal error; see the terminal\n"
                self._send(HTTPStatus.INTERNAL_SERVER_ERROR, PLAIN_TEXT, message, send_body)

    def _refusal(self) -> tuple[HTTPStatus, str] | None:
        """Why this request gets no page: the name of another server in its Host (a page
        whose DNS name was pointed at this machine), a request target too long, or a
        cross-origin request for the live-reload files. None: answer it."""
        hosts = self.preview.hosts
        home = hosts.home + self.preview.prefix
        given = self.headers.get_all("Host") or []
        if len(given) != 1:
            return HTTPStatus.BAD_REQUEST, f"a request needs one Host header; open {home}"
        try:
            target = urlsplit(self.path)
        except ValueError:
            return HTTPStatus.BAD_REQUEST, "malformed request target"
        authority, where = given[0], "Host header"
        if target.scheme:  # absolute form: its host is the one that counts (RFC 9112, 3.2.2)
            if target.scheme.lower() != "http" or not target.netloc:
                return HTTPStatus.BAD_REQUEST, "malformed request target"
            authority, where = target.netloc, "host in the request target"
        if not hosts.allows_host(authority):
            return HTTPStatus.MISDIRECTED_REQUEST, f"unexpected {where} {authority!r}; open {home}"
        if len(self.path) > MAX_TARGET:
            return HTTPStatus.REQUEST_URI_TOO_LONG, f"request target longer than {MAX_TARGET} bytes"
        if target.path.startswith(LIVE_PREFIX):
            origins = self.headers.get_all("Origin") or []
            if len(origins) > 1 or (origins and not hosts.allows_origin(origins[0])):
                return HTTPStatus.FORBIDDEN, f"cross-origin request from {', '.join(origins)!r} refused"
        return None

    def _answer(self, send_body: bool) -> None:
        """The live-reload files, or the page, file, redirect or 404 of the served site."""
        path = urlsplit(self.path).path or "/"
        if path.startswith(LIVE_PREFIX):
            self._live(path[len(LIVE_PREFIX):], send_body)
            return
        server = self.preview
        server.ready.wait(WAIT_FOR_REBUILD)
        status = server.status
        if not status.built:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, HTML, decorate(NOT_BUILT, status), send_body)
            return
        if not self._made(path, HTTPStatus.INTERNAL_SERVER_ERROR, send_body):
            return
        status = server.status  # a rebuild may have gone live while the page was made
        kind, found = locate(server.root, server.prefix, path)
        if kind == "redirect":
            query = urlsplit(self.path).query
            self._redirect(f"{found}?{query}" if query else str(found), send_body)
        elif kind == "file":
            self._send_file(HTTPStatus.OK, cast(Path, found), status, send_body)
        elif (source := self._waiting(path)) is not None:
            self._send_file(HTTPStatus.OK, source, status, send_body)
        else:
            self._not_found(status, send_body)

    def _made(self, path: str, code: HTTPStatus, send_body: bool) -> bool:
        """Have the file *path* reads made if it waits to be (`ServedPages.make`); False
        when it could not be, and the problems were sent instead, as a failed build's."""
        server = self.preview
        try:
            server.make(server.prefix, path)
        except NewsgenError as exc:  # a template's mistake in this page
            failed = Status(server.status.build, tuple(exc.problems), built=True, about="This page could not be made.")
            self._send(code, HTML, decorate(NOT_MADE, failed), send_body)
            return False
        return True

    def _waiting(self, path: str) -> Path | None:
        """The source file to answer a request for a copy of a photograph not made yet."""
        name = site_path(self.preview.prefix, path)
        return self.preview.fallback.get(name) if name is not None else None

    def _send_file(self, code: HTTPStatus, path: Path, status: Status, send_body: bool) -> None:
        try:
            data = path.read_bytes()
        except OSError:  # gone since it was found
            self._send(HTTPStatus.NOT_FOUND, PLAIN_TEXT, b"404: not found\n", send_body)
            return
        kind = content_type(path.name)
        if kind.startswith("text/html"):
            data = decorate(data, status)
        self._send(code, kind, data, send_body)

    def _not_found(self, status: Status, send_body: bool) -> None:
        if not self._made(self.preview.prefix + "404.html", HTTPStatus.NOT_FOUND, send_body):
            return
        page = self.preview.root / "404.html"
        if page.is_file():
            self._send_file(HTTPStatus.NOT_FOUND, page, status, send_body)
        else:
            self._send(HTTPStatus.NOT_FOUND, PLAIN_TEXT, b"404: not found\n", send_body)

    def _redirect(self, location: str, send_body: bool) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _send(self, code: HTTPStatus, kind: str, data: bytes, send_body: bool) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if send_body:
            self.wfile.write(data)

    def _live(self, name: str, send_body: bool) -> None:
        if name == "events":
            self._events()
        elif name in ("live.js", "worker.js"):
            self._send(HTTPStatus.OK, SCRIPT, (LIVE / name).read_bytes(), send_body)
        else:
            self._send(HTTPStatus.NOT_FOUND, PLAIN_TEXT, b"404: not found\n", send_body)

    def _events(self) -> None:
        hub = self.preview.hub
        client = hub.subscribe()
        self.close_connection = True
        if client is None:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, PLAIN_TEXT, b"stopping\n", True)
            return
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
            self._event(f"retry: 1000\ndata: {self.preview.status.build}\n\n")
            while True:
                try:
                    message = client.get(timeout=PING_SECONDS)
                except queue.Empty:
                    self._event(": ping\n\n")  # also how a closed tab is noticed
                    continue
                if message is None:
                    return
                self._event(f"data: {message}\n\n")
        finally:
            hub.unsubscribe(client)

    def _event(self, text: str) -> None:
        self.wfile.write(text.encode())
        self.wfile.flush()
