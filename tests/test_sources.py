"""Reading sources: the parse in worker processes gives what one process gives, in order."""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from newsgen.core.config import parse_config
from newsgen.core.parse import ParseContext
from newsgen.incremental.parsecache import ParseCache
from newsgen.io.digests import digests_of
from newsgen.io.parsing import PARALLEL_MIN
from newsgen.io.fileid import file_signature
from newsgen.io.scanning import RACY_NS, scan
from newsgen.io.sources import list_content

from helpers.sites import CONFIG, SiteDir


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "spawned"])
def test_parsing_in_two_worker_processes_gives_what_one_process_gives(site: SiteDir, fork: bool) -> None:
    """Enough files to start workers (forked for `build`, spawned for the threaded `serve`):
    the same articles and the same problems, in file order."""
    for n in range(PARALLEL_MIN + 6):
        site.article(f"2025-06-{n % 28 + 1:02d}-artigo-{n:03d}", headline=f"Artigo número {n}", hashtags=[f"Tema{n % 5}"])
    site.write("content/mundo/2025-06-30-partido.md", "---\nheadline: [sem fecho\n---\nTexto.\n")
    scanned = scan(site.root).files
    names, _ = list_content(scanned)
    ctx = ParseContext(parse_config(CONFIG), frozenset())

    def parse(jobs: int) -> tuple[list[object], list[object]]:
        cache = ParseCache(jobs=jobs, fork=fork)
        found = cache.update(site.root, names, scanned, ctx, frozenset())
        assert cache.parsed == len(names)
        return found

    one_articles, one_problems = parse(1)
    two_articles, two_problems = parse(2)
    assert len(one_articles) == PARALLEL_MIN + 6
    assert [p.path for p in one_problems] == ["content/mundo/2025-06-30-partido.md"]
    assert (two_articles, two_problems) == (one_articles, one_problems)


def test_a_file_read_long_after_its_last_write_is_trusted_by_its_signature_next_time(
    site: SiteDir, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file written just before a build may change again within its mtime tick, so its
    signature is not trusted by the next build, which hashes it. But the risk ends once
    its tick is past: a file read well after its last write (late in a long first build,
    as after a fresh checkout) is trusted, so the next build does not hash every file."""
    site.article("2025-06-01-cedo", headline="Lido cedo")
    site.article("2025-06-02-tarde", headline="Lido tarde")
    scanned = scan(site.root).files
    names, _ = list_content(scanned)
    written = max(scanned[name][1] for name in names)
    late = written + RACY_NS + 1
    reads = iter([written, written, late])  # the parse starts, reads the first file at once, the second late
    monkeypatch.setattr(time, "time_ns", lambda: next(reads, late))
    cache = ParseCache()
    cache.update(site.root, names, scanned, ParseContext(parse_config(CONFIG), frozenset()), frozenset())
    assert names[0] not in cache.signatures
    assert cache.signatures[names[1]] == scanned[names[1]]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_many_files_hashed_by_threads_give_each_its_own_digest_in_order(tmp_path: Path, jobs: int) -> None:
    """A checkout's every file is hashed by several threads: each file's SHA-256 comes
    back in the order asked, with its signature once read, and a file gone since the scan
    is None, not an error."""
    names = [f"content/f{i:04d}.md" for i in range(700)]
    for i, name in enumerate(names):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_bytes(b"x" * i)
    asked = [*names[:300], "content/gone.md", *names[300:]]
    def known(i: int) -> tuple[str, tuple[int, int, int]]:
        return hashlib.sha256(b"x" * i).hexdigest(), file_signature(tmp_path / names[i])

    expected = [known(i) for i in range(300)] + [None] + [known(i) for i in range(300, 700)]
    assert digests_of(tmp_path, asked, jobs) == expected
