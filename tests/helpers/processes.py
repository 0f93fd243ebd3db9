"""``newsgen serve`` run as an editor runs it: a child process on a free port."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path


class Preview:
    """``newsgen serve`` running in a child process on a free port, as an editor runs it,
    with its own temporary folder (``TMPDIR``), where serve makes its private copy."""

    def __init__(
        self, site_dir: Path, *args: str, env: dict[str, str] | None = None, any_port: bool = True,
        tmpdir: Path | None = None,
    ) -> None:
        command = [sys.executable, "-m", "newsgen", "-C", str(site_dir), "serve", *args]
        if any_port and "--port" not in args:
            command += ["--port", "0"]
        self.tmpdir = Path((env or {}).get("TMPDIR") or tmpdir or tempfile.gettempdir())
        self.private = self.tmpdir == tmpdir
        """Whether the temporary folder is this server's alone (then all of it must go)."""
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8",
            env={**os.environ, **(env or {}), "TMPDIR": str(self.tmpdir)},
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        first = self.process.stdout.readline()  # type: ignore[union-attr]
        self.url = first.removeprefix("serving ").split(" ")[0] if first.startswith("serving ") else ""

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for_log(self, text: str, count: int = 1, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while self.log.count(text) < count:
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise AssertionError(f"{text!r} not logged {count}×; log:\n{self.log}")
            time.sleep(0.02)

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=10) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Stop it as a service manager does (SIGTERM by default) and return its exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=10)
        finally:
            self.close()
        return code

    def leftovers(self) -> list[str]:
        """What serve left in its temporary folder: nothing, once stopped."""
        return sorted(p.name for p in self.tmpdir.glob("*" if self.private else "newsgen-serve-*"))

    def close(self) -> None:
        """The last resort: SIGKILL, which leaves serve no chance to clean up."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=5)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe:
                pipe.close()
