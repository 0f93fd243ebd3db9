"""Reading a site's sources: the config, the article files and assets, the theme's and
the site's templates and static files (`SiteTemplates`: the site's first), and digests of them."""
from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import jinja2

from newsgen.core.bylines import AUTHORS_FOLDER
from newsgen.core.config import SiteConfig, parse_config
from newsgen.core.errors import ConfigError, ContentError, Problem
from newsgen.core.options import CONFIG_FILE, PAGES_FOLDER, TOPICS_FILE
from newsgen.core.outputs import digest
from newsgen.core.urls import is_article_file
from newsgen.io.fileid import Signature, file_digest
from newsgen.io.scanning import PACKAGE, is_build_code, refusal, scan_tree
from newsgen.theme import THEME


def load_config(site_dir: Path, base_url: str | None = None) -> SiteConfig:
    """The site's newsgen.yaml, validated; *base_url* (normalized) replaces its base_url."""
    config = parse_config(read_config_text(site_dir))
    return replace(config, base_url=base_url) if base_url else config


def read_config_text(site_dir: Path) -> str:
    """The text of the site's newsgen.yaml (LF line ends), refused like any source when a
    symlink leads it out of the site."""
    path = site_dir / CONFIG_FILE
    why = refusal(path, os.path.realpath(site_dir))
    if why is not None:
        raise ContentError([Problem(CONFIG_FILE, 0, why)])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(message=f"{CONFIG_FILE} not found in {site_dir} (use -C DIR to name the site)") from None
    except UnicodeDecodeError:
        raise ConfigError([Problem(CONFIG_FILE, 0, "not UTF-8 text; save the file as UTF-8")]) from None
    return text.replace("\r\n", "\n")


DESK_FOLDERS = (AUTHORS_FOLDER, PAGES_FOLDER)
"""Where the Markdown files are authors and standalone pages, not articles."""


def read_topics(site_dir: Path) -> str | None:
    """The text of the site's ``topics.yaml``, or None when there is none. (The scan has
    refused it if it is a symlink out of the site or not a regular file.)"""
    try:
        raw = (site_dir / TOPICS_FILE).read_bytes()
    except FileNotFoundError:
        return None
    try:
        return raw.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise ContentError([Problem(TOPICS_FILE, 0, "not UTF-8 text; save the file as UTF-8")]) from None


def list_content(scanned: Mapping[str, Signature]) -> tuple[list[str], dict[str, str]]:
    """From a `scan`: the article files (``content/mundo/x.md``), and every other file of
    content/ as an asset, its site path (``images/x.png``) → its file. The authors' and
    standalone pages' files are neither (`list_desk`)."""
    names = sorted(n for n in scanned if n.startswith("content/"))
    markdown = {n for n in names if is_article_file(n)}  # one comprehension each: asked of every file, every build
    articles = [n for n in names if n in markdown and not n.startswith(DESK_FOLDERS)]
    assets = {n.removeprefix("content/"): n for n in names if n not in markdown}
    return articles, assets


def list_desk(scanned: Mapping[str, Signature]) -> tuple[list[str], list[str]]:
    """From a `scan`: the authors' files (``content/autores/*.md``) and the standalone pages'
    (``content/paginas/*.md``), sorted."""
    names = sorted(n for n in scanned if n.startswith(DESK_FOLDERS) and is_article_file(n))  # C loops first
    return [n for n in names if n.startswith(AUTHORS_FOLDER)], [n for n in names if n.startswith(PAGES_FOLDER)]


def is_article(name: str) -> bool:
    """Whether the `scan` name *name* is an article file (``.md`` or ``.markdown``, in any
    case, under content/ but not among the authors or the standalone pages)."""
    return name.startswith("content/") and is_article_file(name) and not name.startswith(DESK_FOLDERS)


def list_static(site_dir: Path, scanned: Mapping[str, Signature]) -> dict[str, Path]:
    """Theme files, overridden by the site's ``static/`` files (those of the `scan`
    *scanned*, which refused anything it must not read) of the same path."""
    assets = {rel: THEME / "static" / rel for rel in walk_names(THEME / "static")}
    for name in sorted(n for n in scanned if n.startswith("static/")):
        assets[name.removeprefix("static/")] = site_dir / name
    return assets


def walk_names(root: Path) -> list[str]:
    """The relative names (``css/site.css``) of the regular files below *root*, sorted, as
    `scan` sees them: for newsgen's own files (a site's are in its `scan`)."""
    return sorted(scan_tree(root).files)


def templates_digest(site_dir: Path, scanned: Mapping[str, Signature]) -> str:
    """A digest of the site's ``templates/`` (names and bytes), from the files of its `scan` *scanned*."""
    names = sorted(n for n in scanned if n.startswith("templates/"))
    return digest([(name.removeprefix("templates/"), file_digest(site_dir / name)) for name in names])


@functools.cache
def code_digest() -> str:
    """newsgen's own code and theme: a new version, or a local edit, re-parses and
    re-renders everything (an edit of code no build runs, `is_build_code`, does not)."""
    return digest([(rel, file_digest(PACKAGE / rel)) for rel in walk_names(PACKAGE) if is_build_code(rel)])


def source_name(path: Path, site_dir: Path) -> str:
    return path.relative_to(site_dir).as_posix() if path.is_relative_to(site_dir) else str(path)


class SiteTemplates(jinja2.BaseLoader):
    """The site's ``templates/`` first, then newsgen's theme. A site template is named by
    its path in the site (``templates/article.html``), as every problem is, and is read
    only if it is a regular file inside the site folder: the `scan` refused any other
    before a page was rendered, but a template may include one it never listed (a hidden
    name)."""

    def __init__(self, site_dir: Path) -> None:
        self.site_dir = site_dir
        self.inside = os.path.realpath(site_dir)
        self.theme = THEME
        """The theme's folder (a problem names its templates as the theme's)."""
        self._theme = jinja2.FileSystemLoader(str(THEME / "templates"))

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        name = "/".join(["templates", *jinja2.loaders.split_template_path(template)])
        path = self.site_dir / name
        why = refusal(path, self.inside)
        if why is not None:
            raise ContentError([Problem(name, 0, why)])
        try:
            info = os.stat(path)
        except OSError:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode):
            try:
                return self._theme.get_source(environment, template)
            except jinja2.TemplateNotFound:
                raise jinja2.TemplateNotFound(template, f"{template!r} is neither in templates/ nor in newsgen's theme") from None
        mtime = info.st_mtime_ns
        text = path.read_text(encoding="utf-8")

        def uptodate() -> bool:
            try:
                return os.stat(path).st_mtime_ns == mtime
            except OSError:
                return False

        return text, name, uptodate
