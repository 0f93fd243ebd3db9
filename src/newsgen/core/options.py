"""What a build is asked to do and what it reports: plain values, importable without the engine."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from newsgen.core.errors import Problem

CONFIG_FILE = "newsgen.yaml"
LEDGER_FILE = "urls.lock"
"""Every URL the site has published, with its article's file (`newsgen.core.ledger`)."""
PAGES_FOLDER = "content/paginas/"
"""The standalone pages' files (`newsgen.core.standalone`)."""
TOPICS_FILE = "topics.yaml"
"""The display names, descriptions and pinned stories of hashtags' topic pages (optional)."""
BASE_URL_VARIABLE = "NEWSGEN_BASE_URL"
"""The environment variable that overrides newsgen.yaml's base_url (``--base-url`` wins)."""
DEPLOY_JOBS = 16
"""Requests in flight when ``newsgen deploy --jobs`` is not given."""
Progress = Callable[[str, int, int], None]
"""Called as ``progress(phase, done, total)`` while a long step runs."""


@dataclass(frozen=True)
class BuildOptions:
    site_dir: Path
    output: Path
    now: datetime
    drafts: bool = False
    future: bool = False
    strict: bool = False
    search: bool = True
    """Index the written site with Pagefind (also needs ``search: true`` in the config)."""
    cache: Path | None = None
    """The persistent cache folder (the CLI's is ``<site>/.newsgen-cache``); None: none."""
    jobs: int = 1
    """Processes for a cold parse and a full write; the output is the same for any number."""
    progress: Progress | None = field(default=None, compare=False)
    base_url: str | None = None
    """Replaces newsgen.yaml's base_url for this build (`urls.normalized_base_url`), e.g. for a
    deploy preview: ``--base-url`` or ``NEWSGEN_BASE_URL``."""
    changes: Path | None = None
    """Where to write the change manifest (``--changes FILE``: every output file written,
    deleted or unchanged since the baseline, with its SHA-256); None: none."""
    since: Path | None = None
    """The baseline of the change manifest (``--since FILE``: an earlier change manifest or
    a deploy's manifest); None: the output as the last build left it."""

    def key(self) -> str:
        """The options that shape the output, for the cache's no-op check."""
        return repr((self.drafts, self.future, self.strict, self.search, self.base_url))


@dataclass(frozen=True)
class BuildResult:
    warnings: tuple[Problem, ...]
    articles: int
    pages: int
    files: int
    seconds: float
    rewritten: int = 0
    """Files made anew by this build; the rest were already in the output."""
    notes: tuple[str, ...] = ()
    """Warnings about the whole site rather than a file (how to deploy it), one line each."""
    replanned: bool = False
    """Whether the build planned from the last plan (edits and additions) or from scratch."""
    shown: tuple[tuple[Problem, ...], tuple[Problem, ...]] | None = None
    """The very `warnings` tuple and those warnings as printed (`newsgen.core.errors.collapsed`),
    when the build worked them out (for its cache): 85,000 take 0.2 s to collapse."""

    def printed(self) -> tuple[Problem, ...]:
        """The warnings to print: as the build collapsed them if it did, for these very warnings."""
        if self.shown is not None and self.shown[0] is self.warnings:
            return self.shown[1]
        return self.warnings
