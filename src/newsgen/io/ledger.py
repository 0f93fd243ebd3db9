"""Reading and writing the site's URL ledger, ``urls.lock`` (`newsgen.core.ledger`), in
the site folder: read like the config (never through a symlink out of the site), written
by ``newsgen build`` only, once the output is written, all at once (a new file renamed
over the old one, so a killed build leaves the old ledger or the new, never half)."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from newsgen.core.errors import ContentError, Problem
from newsgen.core.options import LEDGER_FILE
from newsgen.io.atomic import replacing
from newsgen.io.fileid import file_signature
from newsgen.io.scanning import Scan, refusal


def read_ledger(site_dir: Path) -> str | None:
    """The ledger's text, or None when the site has none yet."""
    path = site_dir / LEDGER_FILE
    why = refusal(path, os.path.realpath(site_dir))
    if why is not None:
        raise ContentError([Problem(LEDGER_FILE, 0, why)])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise ContentError([Problem(LEDGER_FILE, 0, "not UTF-8 text; save the file as UTF-8")]) from None


def write_ledger(site_dir: Path, text: str) -> bytes:
    """Replace the ledger with *text* in one rename; returns the bytes written."""
    data = text.encode("utf-8")
    target = site_dir / LEDGER_FILE
    with replacing(target, suffix=".newsgen-tmp", fsync=True, mode=0o644) as out:
        out.write(data)
    return data


def record_ledger(
    site_dir: Path, text: str, scanned: Scan, racy: dict[str, str | None],
) -> tuple[Scan, dict[str, str | None], str | None]:
    """Write the ledger *text* (once the output is written); return the scan and the
    digests the no-op check keeps as if they had seen it (a build that wrote it is no
    reason for another), and why it could not be written (None: it was). A ledger that
    cannot be written is a warning, and the next build tries again."""
    try:
        data = write_ledger(site_dir, text)
        signature = file_signature(site_dir / LEDGER_FILE)
    except OSError as exc:
        files = {**scanned.files, LEDGER_FILE: (-1, -1, -1)}  # never what the next scan finds: not a no-op
        return scanned._replace(sources=scanned.sources._replace(files=files)), racy, str(exc.strerror or exc)
    files = {**scanned.files, LEDGER_FILE: signature}
    digests = {**racy, LEDGER_FILE: hashlib.sha256(data).hexdigest()}
    return scanned._replace(sources=scanned.sources._replace(files=files)), digests, None
