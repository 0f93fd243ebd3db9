"""The preview and photographs: a save never waits for encoding. Until a copy is made, the
server answers its URL with the source file; once made, the copy is in the served folder.
The copies go to the site's store, which ``newsgen build`` then finds made."""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsgen.io import photos as photo_engine
from newsgen.preview.server import PreviewServer
from newsgen.preview.session import ServeOptions, Session

from helpers.preview import Quiet, request, running_server
from helpers.sites import NOW, SiteDir, photo

KIM = "mundo/2025/06/04/kim/"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[PreviewServer]:
    with running_server(tmp_path / "served") as server:
        yield server


def test_a_save_never_waits_for_encoding_and_the_source_stands_in(
    site: SiteDir, server: PreviewServer, monkeypatch: pytest.MonkeyPatch,
) -> None:
    released = threading.Event()
    real = photo_engine.make

    def held(*args: object, **kwargs: object) -> int:
        released.wait(30)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(photo_engine, "make", held)
    camera = photo()
    site.write("static/images/kim.jpg", camera)
    site.article("kim", images=[{"src": "images/kim.jpg", "alt": "Kim", "credit": "AP"}])
    session = Session(ServeOptions(site.root, search=False), lambda: NOW, Quiet(), server, server.root)
    try:
        started = time.perf_counter()
        session.rebuild(frozenset())
        assert time.perf_counter() - started < 10, "the rebuild waited for the encoding"
        status, _, page = request(server, "/" + KIM)
        assert status == 200 and b"<picture>" in page
        copy = re.search(rb'src="/(media/[0-9a-f]{20}-1200\.jpg)"', page)[1].decode()  # type: ignore[index]
        assert not (server.root / copy).exists()
        assert request(server, "/" + copy)[2] == camera, "the source stands in for its copy"

        released.set()
        assert session.encoder.wait(30) and session.take_copies()
        status, headers, body = request(server, "/" + copy)
        assert status == 200 and headers["content-type"] == "image/jpeg" and body != camera
        assert (server.root / copy).read_bytes() == body and server.fallback == {}
        assert (site.root / ".newsgen-cache/media" / copy.removeprefix("media/")).read_bytes() == body
    finally:
        released.set()
        session.encoder.stop()

    encoded: list[str] = []
    monkeypatch.setattr(photo_engine, "encode", lambda *a: encoded.append(a[1]) or b"")
    site.build(cache=site.root / ".newsgen-cache")
    assert encoded == [] and (site.out / copy).read_bytes() == body, "the build found the preview's copies"
