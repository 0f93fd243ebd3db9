"""Reading sources: the parse in worker processes gives what one process gives, in order."""
from __future__ import annotations

import pytest

from newsgen.cache import scan
from newsgen.config import parse_config
from newsgen.parse import ParseContext
from newsgen.sources import PARALLEL_MIN, ParseCache, list_content

from conftest import CONFIG, SiteDir


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "spawned"])
def test_parsing_in_two_worker_processes_gives_what_one_process_gives(site: SiteDir, fork: bool) -> None:
    """Enough files to start workers (forked for `build`, spawned for the threaded `serve`):
    the same articles and the same problems, in file order."""
    for n in range(PARALLEL_MIN + 6):
        site.article(f"2025-06-{n % 28 + 1:02d}-artigo-{n:03d}", headline=f"Artigo número {n}", hashtags=[f"Tema{n % 5}"])
    site.write("content/mundo/2025-06-30-partido.md", "---\nheadline: [sem fecho\n---\nTexto.\n")
    scanned = scan(site.root)
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
