"""The layout of a site folder and of an output folder: which files a build reads, which
it never reads, and the file that marks an output folder as newsgen's. Standard library
only: the no-op check reads it before any heavy import."""
from __future__ import annotations

CACHE_DIR = ".newsgen-cache"
"""The build cache, in the site folder (`newsgen.incremental.store`)."""
SOURCE_DIRS = ("content", "templates", "static")
"""A site folder: its config file and the folders a build reads."""
SOURCE_FILES = ("newsgen.yaml", "topics.yaml", "urls.lock")
"""The files at a site folder's top that a build reads (`newsgen.core.options`' names)."""
EDITOR_LEFTOVERS = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig", ".part", ".crdownload", ".newsgen-tmp")


def is_leftover(name: str) -> bool:
    """Whether a file or folder name in the source folders is one a build never reads (and
    the preview never rebuilds for): hidden names, editors' swap, backup and temporary
    files (vim's ``4913`` probe, emacs ``#autosave#``), Python's ``__pycache__``."""
    return name.startswith((".", "#")) or name.endswith(EDITOR_LEFTOVERS) or name in ("4913", "__pycache__")


MARKER = ".newsgen-output"
"""The file that marks an output folder as newsgen's, and names what it holds (`marker_text`)."""
MARKER_TEXT = b"Built by newsgen. This directory is replaced on every build.\n"
TOKEN_PREFIX = b"output "


def marker_text(token: str) -> bytes:
    """The marker of an output whose files are those of the build *token* names: a digest
    of every file's key (the same sources give the same token). A cache restored with its
    output (a CI job, a copy) finds the token it saved, whatever the files' inodes."""
    return MARKER_TEXT + TOKEN_PREFIX + token.encode("ascii") + b"\n"


def marker_token(data: bytes) -> str:
    """The token a marker's bytes name (``""``: none, an older newsgen's marker)."""
    for line in data.splitlines():
        if line.startswith(TOKEN_PREFIX):
            return line[len(TOKEN_PREFIX):].decode("ascii", "replace").strip()
    return ""
