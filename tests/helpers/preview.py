"""The preview in process: a quiet console, a server on a free port, a request to it."""
from __future__ import annotations

import contextlib
import http.client
import threading
from collections.abc import Iterator
from pathlib import Path

from newsgen.preview.server import PreviewServer


class Quiet:
    """The preview's console, silent; problems are kept."""

    def __init__(self) -> None:
        self.said: list[str] = []

    def serving(self, url: str) -> None:
        pass

    def problems(self, problems: object, summary: str) -> None:
        self.said.append(summary)

    def info(self, message: str) -> None:
        pass


@contextlib.contextmanager
def running_server(root: Path, prefix: str = "/") -> Iterator[PreviewServer]:
    """A `PreviewServer` of the folder *root*, answering from its own thread."""
    root.mkdir(exist_ok=True)
    server = PreviewServer(("127.0.0.1", 0), root, prefix)
    server.ready.set()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.hub.close()
        server.shutdown()
        server.server_close()
        thread.join(5)


def request(server: PreviewServer, path: str) -> tuple[int, dict[str, str], bytes]:
    """GET *path*: the status, the headers (lower-case names) and the body."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body
