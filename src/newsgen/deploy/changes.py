"""The build's change manifest (``newsgen build --changes FILE``) as a deploy reads it: the
SHA-256 and size of every file of the output, so that a deploy reads only what it uploads
(hashing the whole output took 1.8-3 s at 10,000 articles). Trusted only when it names the
output's marker token, i.e. describes this very output; else the deploy says so and hashes."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from newsgen.core.errors import UsageError
from newsgen.io.changes import FORMAT, listed_files
from newsgen.io.layout import MARKER
from newsgen.io.fileid import output_token


def build_hashes(changes: Path, output: Path, err: TextIO) -> dict[str, tuple[str, int]] | None:
    """Path → (SHA-256, size) of the output's files, from the manifest *changes*; None (with
    a line on *err*) when it describes another output than *output*."""
    try:
        document = json.loads(changes.read_bytes())
        if document["format"] != FORMAT:
            raise ValueError(document["format"])
        token = document["output"]
        files = listed_files(document)
    except OSError as exc:
        raise UsageError(message=f"--changes {changes}: {exc.strerror or exc}") from None
    except (ValueError, TypeError, KeyError, AttributeError):
        raise UsageError(message=f"--changes {changes}: not a change manifest ({FORMAT})") from None
    if token != output_token(output, MARKER):
        err.write(f"newsgen: {changes} describes another build than the one in {output}: hashing every file\n")
        return None
    return files
