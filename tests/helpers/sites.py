"""Small sites built in a temporary folder, and file trees read back."""
from __future__ import annotations

import io
import json
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from newsgen.pipeline import BuildOptions, BuildResult, build, check

REPO = Path(__file__).resolve().parent.parent.parent
NOW = datetime(2025, 7, 13, 12, 0, tzinfo=UTC)
CONFIG = """\
title: Mundo de Teste
base_url: https://example.pt/
language: pt-PT
timezone: Europe/Lisbon
sections:
  mundo:
    title: Mundo
    description: Notícias internacionais.
  europa: {title: Europa}
"""

CONFIG_NESTED = """\
title: Mundo de Teste
base_url: https://example.pt/
language: pt-PT
timezone: Europe/Lisbon
sections:
  mundo:
    title: Mundo
    description: Notícias internacionais.
    sections:
      europa: {title: Europa}
      medio-oriente: {title: Médio Oriente}
  desporto: {title: Desporto}
"""
"""Regions nested in Mundo (``mundo/europa``), and a second top-level section."""


def article_text(
    headline: str = "Kim recebe Shoigu em Pyongyang",
    standfirst: str = "O líder norte-coreano reafirmou o apoio a Moscovo.",
    section: str = "mundo",
    timestamp: str = "2025-06-04T18:30+01:00",
    hashtags: Iterable[str] = ("CooperaçãoMilitar",),
    body: str = "Texto do artigo, com \"aspas\" e mais palavras.",
    **extra: object,
) -> str:
    """An article file; every field is written as a JSON string (valid YAML) unless given raw."""
    fields = {
        "headline": headline,
        "standfirst": standfirst,
        "section": section,
        "timestamp": timestamp,
    }
    lines = ["---"]
    lines += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in fields.items() if v is not None]
    lines.append(f"hashtags: {json.dumps(list(hashtags), ensure_ascii=False)}")
    lines += [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in extra.items()]
    lines += ["---", body, ""]
    return "\n".join(lines)


@dataclass
class SiteDir:
    """A throwaway site: newsgen.yaml, content/, static/, templates/ under one folder."""

    root: Path

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def article(self, name: str, **fields: object) -> Path:
        return self.write(f"content/mundo/{name}.md", article_text(**fields))  # type: ignore[arg-type]

    def options(self, **kwargs: object) -> BuildOptions:
        """Build options; the search index only when asked (``search=True``): it costs a process."""
        defaults: dict[str, object] = {"site_dir": self.root, "output": self.root / "build", "now": NOW, "search": False}
        return BuildOptions(**{**defaults, **kwargs})  # type: ignore[arg-type]

    def build(self, **kwargs: object) -> BuildResult:
        return build(self.options(**kwargs))

    def check(self, **kwargs: object) -> BuildResult:
        return check(self.options(**kwargs))

    @property
    def out(self) -> Path:
        return self.root / "build"

    def page(self, path: str) -> str:
        """The HTML of a site path such as ``mundo/`` from the last build."""
        rel = path + "index.html" if path == "" or path.endswith("/") else path
        return (self.out / rel).read_text(encoding="utf-8")


@dataclass
class CliRun:
    code: int
    out: str
    err: str


def png(width: int, height: int, colour: bytes = b"\xd9\xd6\xcf") -> bytes:
    """A real (tiny, one-colour) PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = b"".join(b"\x00" + colour * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")


def photo(width: int = 1200, height: int = 8, shade: tuple[int, int, int] = (200, 120, 40), gps: bool = True) -> bytes:
    """A camera JPEG as agencies send them, cheap to encode (by default as wide as a lead
    should be and 8 px high): one colour, with the camera's make and body serial number
    and, when *gps*, a GPS position in its EXIF."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Câmara de Teste"
    exif.get_ifd(0x8769)[0xA431] = "SN-4242"
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (38.0, 42.0, 31.0), 3: "W", 4: (9.0, 8.0, 23.0)})
    out = io.BytesIO()
    Image.new("RGB", (width, height), shade).save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def tree(root: Path) -> dict[str, bytes]:
    """Every file below *root* by relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
