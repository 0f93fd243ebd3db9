"""``newsgen init``: the files of a new site, ready to build, commit and publish.

They live in ``site/`` beside this module, as they are written, but for placeholders
(``@VERSION@``, ``@DATE@``…) and two names (``gitignore`` → ``.gitignore``, ``github/`` →
``.github/``: hidden names stay out of the way of packaging). The theme is not copied: it
stays in the package, and a site overrides it file by file (``newsgen theme``).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from newsgen.core.errors import UsageError
from newsgen.core.options import CONFIG_FILE

STARTER = Path(__file__).parent / "site"
RENAMED = (("gitignore", ".gitignore"), ("github/", ".github/"))
WORKFLOW = ".github/workflows/publish.yml"


def starter_files(now: datetime, version: str, title: str = "Mundo") -> dict[str, str]:
    """Each file of a new site (by its path in the site) and its text. *now*: the moment
    of the sample article (in the site's time zone); *version*: the newsgen the workflow
    installs."""
    values = {
        "@VERSION@": version,
        "@DATE@": now.date().isoformat(),
        "@TIMESTAMP@": now.isoformat(timespec="minutes"),
        "@TITLE@": title,
    }
    files = {}
    for folder, _, names in os.walk(STARTER):
        for name in names:
            source = Path(folder, name)
            path = _renamed(source.relative_to(STARTER).as_posix())
            files[_filled(path, values)] = _filled(source.read_text(encoding="utf-8"), values)
    return dict(sorted(files.items()))


def write_site(site_dir: Path, files: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Write *files* into *site_dir* (made if missing), never over a file already there;
    return the paths written and those left as they were. A folder that already holds a
    site (a newsgen.yaml) is refused."""
    if (site_dir / CONFIG_FILE).exists():
        raise UsageError(message=f"{os.path.relpath(site_dir)} already holds a site ({CONFIG_FILE}); "
                         "newsgen init starts a new one")
    if site_dir.exists() and not site_dir.is_dir():
        raise UsageError(message=f"{os.path.relpath(site_dir)} is not a folder")
    written, kept = [], []
    for path, text in files.items():
        target = site_dir / path
        if target.exists():
            kept.append(path)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "x", encoding="utf-8") as handle:
            handle.write(text)
        written.append(path)
    return written, kept


def _renamed(path: str) -> str:
    for stored, written in RENAMED:
        if path == stored or (stored.endswith("/") and path.startswith(stored)):
            return written + path[len(stored):]
    return path


def _filled(text: str, values: Mapping[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text
