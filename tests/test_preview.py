"""The preview's HTTP server: content types, redirects, 404, HEAD, traversal, reload, overlay,
the names it answers, hostile requests, bursts."""
from __future__ import annotations

import http.client
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from newsgen.core.errors import Problem
from newsgen.preview.overlay import Status, decorate
from newsgen.preview.files import locate
from newsgen.preview.indexer import SearchIndexer
from newsgen.preview.server import PreviewServer

from helpers.sites import SiteDir


@pytest.fixture
def served(site: SiteDir, tmp_path: Path) -> Iterator[PreviewServer]:
    site.article("kim", headline="Kim recebe Shoigu")
    site.write("static/dados.xml", "<dados/>")
    site.write("static/data.json", "{}")
    site.write("static/site.webmanifest", "{}")
    site.write("static/logo.svg", "<svg xmlns='http://www.w3.org/2000/svg'/>")
    site.write("static/icone.ico", "\x00\x00\x01\x00")
    site.write("static/indice.pf_fragment", "fragmento")
    site.build()
    (tmp_path / "secret.txt").write_text("segredo", encoding="utf-8")
    (site.out / "fuga").symlink_to(tmp_path)
    (site.out / "segredo.txt").symlink_to(tmp_path / "secret.txt")
    server = PreviewServer(("127.0.0.1", 0), site.out)
    server.show(Status(build="b1", built=True))
    server.ready.set()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.hub.close()
    server.shutdown()
    server.server_close()
    thread.join(5)


def request(
    server: PreviewServer, path: str, method: str = "GET", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    connection.putrequest(method, path, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body


def raw_request(server: PreviewServer, target: str, headers: str | None = None) -> bytes:
    """Send a request line exactly as given (no client-side normalising), with the
    server's own Host unless *headers* (CRLF-separated lines) are given."""
    headers = f"Host: 127.0.0.1:{server.port}\r\n" if headers is None else headers
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(f"GET {target} HTTP/1.1\r\n{headers}Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/dados.xml", "application/xml; charset=utf-8"),
        ("/feed.xml", "application/xml; charset=utf-8"),
        ("/logo.svg", "image/svg+xml; charset=utf-8"),
        ("/data.json", "application/json; charset=utf-8"),
        ("/site.webmanifest", "application/manifest+json; charset=utf-8"),
        ("/css/site.css", "text/css; charset=utf-8"),
        ("/js/relative-time.js", "text/javascript; charset=utf-8"),
        ("/images/foto.png", "image/png"),
        ("/icone.ico", "image/vnd.microsoft.icon"),
        ("/indice.pf_fragment", "application/octet-stream"),
        ("/", "text/html; charset=utf-8"),
    ],
)
def test_content_types(served: PreviewServer, path: str, expected: str) -> None:
    """The preview serves each file with the type the deploy stores it with (UTF-8 text
    says so), so an editor sees what readers will get from the CDN."""
    code, headers, _ = request(served, path)
    assert (code, headers["content-type"]) == (200, expected)
    assert headers["cache-control"] == "no-store"


def test_a_folder_without_its_slash_redirects_and_with_it_serves_the_index(served: PreviewServer) -> None:
    code, headers, _ = request(served, "/mundo?x=1")
    assert (code, headers["location"]) == (301, "/mundo/?x=1")
    code, _, body = request(served, "/mundo/")
    assert code == 200 and b"Kim recebe Shoigu" in body


def test_a_missing_page_is_the_sites_404_with_status_404(served: PreviewServer) -> None:
    code, headers, body = request(served, "/mundo/nao-existe/")
    assert code == 404 and headers["content-type"].startswith("text/html")
    assert body.startswith(b"<!doctype html>") and "Página não encontrada".encode() in body


def test_head_sends_the_headers_without_the_body(served: PreviewServer) -> None:
    _, get_headers, get_body = request(served, "/css/site.css")
    code, headers, body = request(served, "/css/site.css", "HEAD")
    assert (code, body) == (200, b"")
    assert headers["content-length"] == get_headers["content-length"] == str(len(get_body))


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/mundo/..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/fuga/secret.txt",
        "/segredo.txt",
        "/%00",
        "/%ff%fe",
        "http://127.0.0.1:{port}/../secret.txt",
    ],
)
def test_no_path_escapes_the_served_folder(served: PreviewServer, target: str) -> None:
    response = raw_request(served, target.replace("{port}", str(served.port)))
    status = response.split(b"\r\n", 1)[0]
    assert status in (b"HTTP/1.1 404 Not Found", b"HTTP/1.1 400 Bad Request"), status
    assert b"segredo" not in response and b"root:" not in response


def test_html_gets_the_reload_script_and_other_files_do_not(served: PreviewServer, site: SiteDir) -> None:
    _, _, page = request(served, "/")
    assert page.count(b'<script src="/__newsgen/live.js" data-build="b1" defer></script></body>') == 1
    assert b"__newsgen" not in (site.out / "index.html").read_bytes(), "never in the built files"
    _, _, css = request(served, "/css/site.css")
    assert b"__newsgen" not in css


def test_problems_are_overlaid_escaped_on_every_page(served: PreviewServer) -> None:
    problem = Problem("content/mundo/kim.md", 3, "headline: <script>alert(1)</script> is not text")
    served.show(Status(build="b2", problems=(problem,), built=True))
    for path in ("/", "/mundo/", "/nao-existe"):
        _, _, page = request(served, path)
        assert b'id="newsgen-problems"' in page
        assert b"content/mundo/kim.md:3: headline: &lt;script&gt;alert(1)&lt;/script&gt; is not text" in page
        assert b"<script>alert(1)" not in page
        assert b"Kim recebe Shoigu" in page or path == "/nao-existe", "the last good site is still served"


def test_the_overlay_counts_repeats_of_one_message_in_one_file(served: PreviewServer) -> None:
    repeated = tuple(Problem("content/mundo/kim.md", 6, "a hashtag must be text, not nothing") for _ in range(90_008))
    served.show(Status(build="b2", problems=(*repeated, Problem("content/mundo/kim.md", 9, "other")), built=True))
    _, _, page = request(served, "/")
    assert page.count(b"content/mundo/kim.md:6: a hashtag must be text, not nothing") == 3
    assert "content/mundo/kim.md: … and 90,005 more like this".encode() in page
    assert b"content/mundo/kim.md:9: other" in page
    assert b"newsgen: 90,009 problems" in page
    assert len(page) < 20_000


def test_before_any_good_build_every_page_is_the_overlay(served: PreviewServer) -> None:
    served.show(Status(build="b2", problems=(Problem("newsgen.yaml", 2, "bad"),), built=False))
    code, _, page = request(served, "/mundo/")
    assert code == 503 and b"newsgen.yaml:2: bad" in page and b"has not built yet" in page


def test_the_event_stream_sends_the_current_build_then_each_new_one(served: PreviewServer) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
        sock.sendall(f"GET /__newsgen/events HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n\r\n".encode())
        stream = sock.makefile("rb")
        head = b"".join(iter(stream.readline, b"\r\n"))
        assert b"text/event-stream" in head and b"no-store" in head
        assert stream.readline() == b"retry: 1000\n"
        assert stream.readline() == b"data: b1\n"
        deadline = time.monotonic() + 2
        while served.hub.clients == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        served.show(Status(build="b2", built=True))
        assert stream.readline() == b"\n"
        assert stream.readline() == b"data: b2\n"


def test_requests_wait_while_a_rebuild_is_pending(served: PreviewServer) -> None:
    served.ready.clear()
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(request, served, "/")
        time.sleep(0.3)
        assert not pending.done(), "served before the rebuild finished"
        served.show(Status(build="b2", built=True))
        served.ready.set()
        _, _, page = pending.result(timeout=5)
    assert b'data-build="b2"' in page


def test_many_requests_at_once_are_all_served(served: PreviewServer) -> None:
    stream = socket.create_connection(("127.0.0.1", served.port), timeout=5)
    stream.sendall(f"GET /__newsgen/events HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n\r\n".encode())  # kept open
    try:
        with ThreadPoolExecutor(16) as pool:
            codes = list(pool.map(lambda n: request(served, "/mundo/" if n % 2 else "/css/site.css")[0], range(64)))
    finally:
        stream.close()
    assert codes == [200] * 64


def test_a_base_path_mounts_the_site_below_it(site: SiteDir) -> None:
    site.article("kim")
    site.build()
    root = site.out
    assert locate(root, "/noticias/", "/") == ("redirect", "/noticias/")
    assert locate(root, "/noticias/", "/noticias") == ("redirect", "/noticias/")
    assert locate(root, "/noticias/", "/noticias/") == ("file", (root / "index.html").resolve())
    assert locate(root, "/noticias/", "/mundo/") == ("missing", None)
    assert locate(root, "/not%C3%ADcias/", "/") == ("redirect", "/not%C3%ADcias/")
    assert locate(root, "/not%C3%ADcias/", "/not%C3%ADcias/") == ("file", (root / "index.html").resolve())


def test_the_script_goes_before_the_last_body_end_tag() -> None:
    page = b"<html><body><pre>&lt;/body&gt; </body></pre></body></html>"
    assert decorate(page, Status("b")).endswith(b'data-build="b" defer></script></body></html>')
    assert decorate(b"<p>sem body</p>", Status("b")).startswith(b"<p>sem body</p><script")


def status_line(response: bytes) -> bytes:
    return response.split(b"\r\n", 1)[0]


def test_the_servers_own_names_are_answered(served: PreviewServer) -> None:
    for host in ("127.0.0.1:{port}", "localhost:{port}", "LocalHost:{port}", "[::1]:{port}"):
        response = raw_request(served, "/", f"Host: {host.format(port=served.port)}\r\n")
        assert status_line(response) == b"HTTP/1.1 200 OK" and b"Kim recebe Shoigu" in response, host


def test_a_request_for_another_name_is_refused_with_a_reason(served: PreviewServer) -> None:
    """A rebinding page can read nothing: drafts and embargoed articles stay on this machine."""
    refused = [
        "attacker.example:{port}",  # a page whose DNS name now points at 127.0.0.1 (DNS rebinding)
        "attacker.example",
        "localhost.attacker.example:{port}",
        "127.0.0.1.nip.io:{port}",
        "127.0.0.1",  # a browser sends the port unless it is 80
        "127.0.0.1:{other}",
        "192.168.1.20:{port}",  # not an address this server is bound to
        "evil@127.0.0.1:{port}",
        "127.0.0.1:{port}@evil",
        "[::1]",
        "",
    ]
    for host in refused:
        given = host.format(port=served.port, other=served.port + 1)
        response = raw_request(served, "/", f"Host: {given}\r\n")
        assert status_line(response) == b"HTTP/1.1 421 Misdirected Request", given
        head, body = response.split(b"\r\n\r\n", 1)
        assert b"Content-Type: text/plain; charset=utf-8" in head and b"Connection: close" in head
        assert body == f"newsgen preview: unexpected Host header {given!r}; open http://127.0.0.1:{served.port}/\n".encode()


@pytest.mark.parametrize("headers", ["", "Host: 127.0.0.1:{port}\r\nHost: attacker.example:{port}\r\n"])
def test_a_request_without_exactly_one_host_is_refused(served: PreviewServer, headers: str) -> None:
    response = raw_request(served, "/", headers.format(port=served.port))
    assert status_line(response) == b"HTTP/1.1 400 Bad Request" and b"Kim" not in response
    assert b"newsgen preview: a request needs one Host header" in response


def test_an_absolute_target_names_the_host_that_counts(served: PreviewServer) -> None:
    response = raw_request(served, f"http://attacker.example:{served.port}/")
    assert status_line(response) == b"HTTP/1.1 421 Misdirected Request" and b"Kim" not in response
    assert status_line(raw_request(served, f"http://localhost:{served.port}/")) == b"HTTP/1.1 200 OK"


def test_the_live_reload_files_refuse_other_origins(served: PreviewServer) -> None:
    origins = ["http://attacker.example:{port}", "null", "https://127.0.0.1:{port}", "http://127.0.0.1:{other}",
               "http://127.0.0.1"]
    for path in ("/__newsgen/events", "/__newsgen/live.js", "/__newsgen/worker.js"):
        for origin in origins:
            given = origin.format(port=served.port, other=served.port + 1)
            code, headers, body = request(served, path, headers={"Origin": given})
            assert (code, headers["content-type"]) == (403, "text/plain; charset=utf-8"), (path, given)
            assert body == f"newsgen preview: cross-origin request from {given!r} refused\n".encode()
    assert served.hub.clients == 0


def test_the_event_stream_answers_its_own_origin(served: PreviewServer) -> None:
    for origin in ("http://127.0.0.1:{port}", "http://localhost:{port}", None):
        extra = f"Origin: {origin.format(port=served.port)}\r\n" if origin else ""
        with socket.create_connection(("127.0.0.1", served.port), timeout=5) as sock:
            sock.sendall(f"GET /__newsgen/events HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n{extra}\r\n".encode())
            assert sock.makefile("rb").readline() == b"HTTP/1.1 200 OK\r\n", origin


def test_a_long_path_is_a_404(served: PreviewServer) -> None:
    """Names longer than the filesystem allows (ENAMETOOLONG) are missing pages, not a
    connection closed without an answer."""
    for target in ("/" + "a" * 300, "/mundo/" + "%C3%A1" * 200 + "/", "/" + "b/" * 2100, "/" + "a" * 256 + "/x"):
        code, _, body = request(served, target)
        assert code == 404 and "Página não encontrada".encode() in body, target


def test_a_request_target_over_8_kb_is_a_414(served: PreviewServer) -> None:
    response = raw_request(served, "/" + "a" * 8192)
    assert status_line(response) == b"HTTP/1.1 414 Request-URI Too Long"
    assert response.endswith(b"newsgen preview: request target longer than 8192 bytes\n")


def test_a_bug_is_a_500_not_a_closed_connection(served: PreviewServer, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def broken(*args: object) -> None:
        raise ValueError("a bug")

    monkeypatch.setattr("newsgen.preview.server.locate", broken)
    response = raw_request(served, "/mundo/")
    assert status_line(response) == b"HTTP/1.1 500 Internal Server Error"
    assert response.endswith(b"newsgen preview: internal error; see the terminal\n")
    assert "ValueError: a bug" in capsys.readouterr().err


def test_shared_on_the_lan_any_address_and_the_machines_name_but_no_other_name(site: SiteDir) -> None:
    site.article("kim")
    site.build()
    server = PreviewServer(("0.0.0.0", 0), site.out)
    server.show(Status(build="b1", built=True))
    server.ready.set()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        for host in ("192.168.1.20", "127.0.0.1", "[fe80::1]", socket.gethostname()):
            assert status_line(raw_request(server, "/", f"Host: {host}:{server.port}\r\n")) == b"HTTP/1.1 200 OK", host
        refused = raw_request(server, "/", f"Host: attacker.example:{server.port}\r\n")
        assert status_line(refused) == b"HTTP/1.1 421 Misdirected Request"
        assert refused.endswith(f"open http://{socket.gethostname()}:{server.port}/\n".encode())
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_a_burst_of_connections_waits_in_the_queue_instead_of_being_dropped(site: SiteDir) -> None:
    """With socketserver's backlog of 5, the seventh connection made while the server is busy
    is dropped and retried by the client a second later (p99 of 1 s under load)."""
    site.article("kim")
    site.build()
    server = PreviewServer(("127.0.0.1", 0), site.out)
    server.show(Status(build="b1", built=True))
    server.ready.set()
    connections: list[socket.socket] = []
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    try:
        for _ in range(128):  # the server accepts none yet, as when all its threads are busy
            connection = socket.socket()
            connections.append(connection)
            connection.settimeout(0.5)
            connection.connect(("127.0.0.1", server.port))  # a dropped SYN times out here
        thread.start()
        for connection in connections:
            connection.settimeout(5)
            connection.sendall(f"HEAD / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nConnection: close\r\n\r\n".encode())
        assert all(c.recv(100).startswith(b"HTTP/1.1 200 OK") for c in connections)
    finally:
        for connection in connections:
            connection.close()
        if thread.is_alive():
            server.shutdown()
        server.server_close()
    assert server.request_queue_size >= 128


def test_the_search_indexer_stops_cleanly_when_a_signal_cut_its_thread_start(tmp_path: Path) -> None:
    """SIGTERM can land inside `Thread.start` (which waits for the new thread to run): the
    preview then stops with a thread that never ran, and must still exit cleanly (it
    crashed with "cannot join thread before it is started", exit 1)."""
    indexer = SearchIndexer(tmp_path, console=None)  # type: ignore[arg-type]
    indexer.thread = threading.Thread(target=lambda: None)  # made, never started
    indexer.stop()
    assert indexer.stopping.is_set()
