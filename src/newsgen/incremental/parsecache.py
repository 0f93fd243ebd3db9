"""The parse cache: articles parsed by earlier builds, keyed by path, checked by content
hash, so a build parses again only the files whose bytes (or whose images) changed."""
from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from newsgen.core.changedrows import row_changes
from newsgen.core.errors import Problem
from newsgen.core.models import Article, SharedValues
from newsgen.core.options import Progress
from newsgen.core.outputs import digest
from newsgen.core.parse import ParseContext, parse_article
from newsgen.incremental.bodies import Bodies
from newsgen.incremental.errors import CacheError
from newsgen.io import budget
from newsgen.io.digests import digests_of
from newsgen.io.parsing import CHUNK, parse_files
from newsgen.io.fileid import Signature
from newsgen.io.scanning import RACY_NS
from newsgen.io.sources import code_digest


class Entry(NamedTuple):
    """One article file as last parsed. (A named tuple: 10,000 of them load from the
    cache in a third less time than as a dataclass.) Its file's signature is kept apart
    (`ParseCache.signatures`): a checkout that gives every file a new one, with the
    same bytes, changes no entry, and rewrites none of the cache's article shards."""

    sha: str
    article: Article | None
    problems: tuple[Problem, ...]
    inputs: str
    """A digest of what parsing read besides the file (config, images, content assets)."""


class ParseCache:
    """Articles parsed by earlier builds, keyed by path, checked by content hash; with
    *bodies* (the build cache's database), the bodies live there and articles here carry none."""

    def __init__(
        self, entries: dict[str, Entry] | None = None, bodies: Bodies | None = None, jobs: int = 1, fork: bool = True,
        context: str = "", signatures: dict[str, Signature] | None = None, own: Mapping[str, Signature] | None = None,
        stored: Bodies | None = None,
    ) -> None:
        """*fork*: start workers by forking this process (False: fresh processes, for a
        process running threads, which a fork may deadlock); *context*: that of *entries*;
        *signatures*: their files' (see there); *own*: each file's own signature where the
        scan gives another (a checkout's files given the cache's: `newsgen.incremental.checkout`);
        *stored*: where the bodies of *entries* are when they are not in *bodies*: read
        only, and a body missing or unreadable there is parsed again (the preview, started
        from a build's cache, keeps its own bodies in its articles)."""
        self.entries: dict[str, Entry] = entries or {}
        self.signatures: dict[str, Signature] = signatures or {}
        """The signature of each entry's file when it was read or last found unchanged;
        absent when the file changed too close to the scan to trust it."""
        self.context = context
        """A digest of everything the entries' ``inputs`` depend on, all found under it."""
        self.bodies = bodies
        """Where the articles' bodies are kept (the cache's database); None: in the articles."""
        self.stored = stored
        self.jobs = jobs
        self.fork = fork
        self.read: dict[str, bytes] = {}
        """The files the last update parsed (the rest came from the cache), each with the git
        blob id of the bytes parsed (`newsgen.io.gitindex`)."""
        self.own = own
        self.unsettled: set[str] = set()
        """The files the last build read (parsed or hashed) that changed since the scan: its
        signature is trusted for none of them, and nothing vouched for by git is kept."""
        self.shared = SharedValues()
        self.resigned: tuple[list[str], frozenset[str]] | None = None
        """The files whose signature the last update changed or added, and those it dropped
        (`newsgen.core.changedrows.row_changes`): the build cache saves only those rows."""

    @property
    def parsed(self) -> int:
        """How many files the last update parsed."""
        return len(self.read)

    def update(
        self, site_dir: Path, names: list[str], signatures: Mapping[str, Signature], ctx: ParseContext,
        content_assets: frozenset[str], progress: Progress | None = None,
    ) -> tuple[list[Article], list[Problem]]:
        """Every article of the files *names* (site-relative, with their `scan`
        *signatures*), in order, re-parsing the files whose bytes changed and those whose
        images may resolve differently (*content_assets*: the non-article files of
        content/, where an image path is looked up first)."""
        setting = digest(code_digest(), ctx.config, ctx.url_prefix, sorted(content_assets))
        inputs = functools.lru_cache(maxsize=None)(lambda assets: _inputs(setting, assets, ctx))
        # Under the context of the last update, every entry's inputs are still what they were.
        context = digest(setting, sorted(ctx.assets), sorted((p, s.key) for p, s in ctx.photos.items()), ctx.authors.names)
        settled = context == self.context
        racy = time.time_ns() - RACY_NS
        todo: list[tuple[str, Signature]] = []
        known, entries = self.signatures, self.entries
        # A file whose signature is the one it was read with (only an article's is kept)
        # has the same bytes: kept, if what else its parse read is unchanged too.
        same = [n for n in names if known.get(n) == signatures[n] and signatures[n][1] < racy and n in entries]
        kept: dict[str, Entry] = {
            n: entries[n] for n in same
            if settled or entries[n].inputs == _made_from(inputs, entries[n].article, ctx)  # type: ignore[arg-type]
        }
        signed: dict[str, Signature] = {name: signatures[name] for name in kept}
        unsure: list[tuple[str, Signature, Entry]] = []  # the same inputs, another signature: the same bytes?
        for name in names:
            if name in kept:
                continue
            entry = entries.get(name)
            sig = signatures[name]
            if entry and entry.article is not None and (settled or entry.inputs == _made_from(inputs, entry.article, ctx)):
                unsure.append((name, sig, entry))
            else:
                todo.append((name, sig))
        own = self.own or signatures
        unsettled: set[str] = set()
        hashed = digests_of(site_dir, [name for name, _, _ in unsure], self.jobs)
        for (name, sig, entry), found in zip(unsure, hashed):
            if found is None or found[1] != own[name]:
                unsettled.add(name)
            if found is not None and found[0] == entry.sha:
                kept[name] = entry
                if sig[1] < racy and name not in unsettled:
                    signed[name] = sig
            else:
                todo.append((name, sig))
        bodies: list[tuple[str, str]] = []
        parsed = parse_files(site_dir, [name for name, _ in todo], ctx, self.jobs, self.fork)
        read: dict[str, bytes] = {}
        for done, ((name, sha, article, problems, read_ns, blob, after), (_, sig)) in enumerate(zip(parsed, todo), start=1):
            read[name] = blob
            if after != own[name]:  # written between the scan and the read: the bytes are not the scan's
                unsettled.add(name)
            # A write after the read cannot keep the signature once its mtime tick is past.
            elif sig[1] < read_ns - RACY_NS and article is not None:
                signed[name] = sig
            made_from = ""
            if article is not None:
                if self.bodies is not None:
                    bodies.append((article.digest, article.body_html))
                    article = self.shared.article(article, body_html="")
                else:
                    article = self.shared.article(article)
                sha, made_from = article.digest, _made_from(inputs, article, ctx)  # sha == digest: keep one copy
            kept[name] = Entry(sha, article, self.shared.problems(problems), made_from)
            if done % CHUNK == 0 or done == len(todo):
                if self.bodies is not None:
                    self.bodies.add(bodies)
                bodies = []
                if progress:
                    progress("parsing", done, len(todo))
        self.entries = {name: kept[name] for name in names}
        self.resigned = row_changes(known, signed)
        self.signatures = signed
        self.context = context
        self.read = read
        self.unsettled = unsettled
        articles = [e.article for e in self.entries.values() if e.article is not None]
        problems = [p for e in self.entries.values() for p in e.problems]
        return articles, problems

    def full(self, site_dir: Path, ctx: ParseContext) -> Callable[[Article], Article]:
        """Gives an article its body back: from the bodies database, else by parsing again."""

        def load(article: Article) -> Article:
            if article.body_html:
                return article
            html = self.bodies.get(article.digest) if self.bodies is not None else self._stored(article.digest)  # damage: CacheError
            if html is None:
                raw = (site_dir / article.source).read_bytes()
                with budget.within():
                    parsed, _ = parse_article(article.source, raw, ctx)
                if parsed is None or parsed.digest != article.digest:
                    raise RuntimeError(f"{article.source} changed during the build; build again")
                return parsed
            return article._replace(body_html=html)

        return load

    def _stored(self, digest: str) -> str | None:
        if self.stored is None:
            return None
        try:
            return self.stored.get(digest)
        except CacheError:  # gone or replaced by a build since: parsed again
            return None


def _made_from(inputs: Callable[[tuple[str, ...]], str], article: Article, ctx: ParseContext) -> str:
    """What *article*'s parse depends on besides its bytes: `_inputs` of its assets, and
    what its byline names among the authors (`newsgen.core.bylines.AuthorIndex.state`):
    a new author re-reads only the articles whose byline names them."""
    made = inputs(article.assets)
    state = ctx.authors.state(article.byline, article.credits)
    return digest(made, state) if state else made


def _inputs(setting: str, assets: tuple[str, ...], ctx: ParseContext) -> str:
    """What an article's parse depends on besides its bytes: the config, the content assets
    an image path may resolve to, and what inspecting the images it shows found (*assets*:
    their size, and what the editor hears about them)."""
    photos = ctx.photos
    return digest(setting, tuple((path, path in ctx.assets, photos[path].key if path in photos else None) for path in assets))
