"""No list page is a dead end: crawled over every page of a 1,000-article site (regions,
priorities, topics, tags of every size), each list page leads, by its «older» links, to
every older story of its list; «Mais recentes» on a numbered page never repeats its stories.

The site is made here, small and fast (a line of text per story): a front, a section, a
month archive and a tag page each belong to a list (all stories, a section and the
sections nested in it, a tag), and following the links that lead to older stories
(«Mais artigos», «Artigos anteriores», «Mês anterior», «Página anterior») from any of
its pages must reach every story of that list older than the newest one it shows.
"""
from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newsgen.core import urls

from helpers.sites import CONFIG_NESTED, SiteDir, article_text

COUNT = 1000
NOW = datetime(2026, 1, 1, tzinfo=UTC)
LISBON = ZoneInfo("Europe/Lisbon")
SECTIONS = ("mundo", "mundo/europa", "mundo/europa", "mundo/medio-oriente", "desporto")
TAGS = [f"Tema{n:02d}" for n in range(25)]
ARTICLE = re.compile(r"/((?:[a-z-]+/)+)(\d{4})/(\d{2})/(\d{2})/([a-z0-9-]+)/")
OLDER = re.compile(r'<a class="pager-older"[^>]*href="([^"]+)"')
RECENT = re.compile(r'<a href="([^"]+)"><span>Artigos</span> Mais recentes</a>')


@dataclass(frozen=True)
class Story:
    path: str
    section: str
    published: datetime
    hashtags: tuple[str, ...]


def _stories() -> Iterator[tuple[str, Story, dict[str, object]]]:
    """The site's stories: every 17 hours from 2024 on, tags by a skewed popularity (a few
    with hundreds of stories, many with a handful), some given a priority."""
    rng = random.Random(26)
    start = datetime(2024, 1, 1, 8, tzinfo=LISBON)
    for i in range(COUNT):
        section = SECTIONS[i % len(SECTIONS)]
        when = (start + timedelta(hours=17 * i)).astimezone(LISBON)
        tags = tuple(dict.fromkeys(rng.choices(TAGS, weights=[1 / (n + 1) for n in range(len(TAGS))], k=rng.randint(1, 3))))
        fields: dict[str, object] = {"headline": f"Notícia {i}", "standfirst": f"Resumo {i}.", "section": section,
                                     "timestamp": when.isoformat(timespec="minutes"), "hashtags": tags,
                                     "body": f"Texto da notícia {i}."}
        if i % 97 == 0:  # old manchetes and destaques: some still in force, some over
            fields["priority"] = "manchete" if i % 2 else "destaque"
            if i % 3 == 0:
                fields["until"] = (NOW + timedelta(days=1 if i % 2 else -1)).isoformat()
        slug = f"noticia-{i}"
        path = f"{section}/{when:%Y/%m/%d}/{slug}/"
        yield f"content/{section}/{when:%Y-%m-%d}-{slug}.md", Story(path, section, when, tags), fields


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Story]]:
    site = SiteDir(tmp_path_factory.mktemp("navigation") / "site")
    site.write("newsgen.yaml", CONFIG_NESTED)
    site.write("topics.yaml", "Tema00:\n  name: Tema principal\n  pinned: [content/desporto/2024-01-04-noticia-4.md]\n")
    stories = {}
    for file, story, fields in _stories():
        site.write(file, article_text(**fields))  # type: ignore[arg-type]
        stories[story.path] = story
    site.build(now=NOW, jobs=2)
    return site.out, stories


def _list_of(page: str, stories: dict[str, Story]) -> list[Story] | None:
    """The stories of the list *page* belongs to; None for a page that is not a list."""
    parts = page.strip("/").split("/") if page else []
    if not parts:
        return list(stories.values())
    if parts[0] == "tag":
        slug = parts[1]
        return [s for s in stories.values() if any(urls.hashtag_slug(t) == slug for t in s.hashtags)]
    while parts and parts[-1].isdigit():  # a month archive: its section's list
        parts.pop()
    section = "/".join(parts)
    if not ({s.section for s in stories.values()} & {section} or any(s.section.startswith(section + "/") for s in stories.values())):
        return None
    return [s for s in stories.values() if s.section == section or s.section.startswith(section + "/")]


def _pages(out: Path) -> dict[str, str]:
    """Every list page of the output (not the article pages), by site path: its <main>."""
    found = {}
    for file in out.rglob("index.html"):
        page = file.parent.relative_to(out).as_posix() + "/" if file.parent != out else ""
        if ARTICLE.fullmatch("/" + page) or page.startswith(("tags/", "pesquisa/", "pagefind/")):
            continue
        html = file.read_text(encoding="utf-8")
        found[page] = html.split("<main", 1)[1].split("</main>", 1)[0]
    return found


def test_every_list_page_leads_on_to_every_older_story_of_its_list(crawl: tuple[Path, dict[str, Story]]) -> None:
    out, stories = crawl
    pages = _pages(out)
    shown = {page: {m.group(0).lstrip("/") for m in ARTICLE.finditer(main)} for page, main in pages.items()}
    older = {page: [href.lstrip("/") for href in OLDER.findall(main)] for page, main in pages.items()}
    reached: dict[str, set[str]] = {}

    def reach(page: str) -> set[str]:
        if page not in reached:
            reached[page] = set(shown[page])
            for link in older[page]:
                assert link in pages, f"{page or 'home'}: its older link {link} leads to no list page"
                reached[page] |= reach(link)
        return reached[page]

    checked = dead = 0
    problems = []
    for page in sorted(pages):
        listed = _list_of(page, stories)
        if listed is None:
            continue
        checked += 1
        mine = [stories[p] for p in shown[page] if p in stories and stories[p] in listed]
        if not mine:
            problems.append(f"{page or 'home'}: shows no story of its list")
            continue
        newest = max(s.published for s in mine)
        missing = sorted((s for s in listed if s.published <= newest and s.path not in reach(page)), key=lambda s: s.published)
        if missing:
            dead += not older[page]
            problems.append(f"{page or 'home'}: {len(missing)} older stories out of reach, e.g. {missing[-1].path}"
                            f"{' (no link to older stories)' if not older[page] else ''}")
    assert checked > 200, f"only {checked} list pages crawled"
    assert problems == [], f"{len(problems)} dead ends ({dead} with no older link):\n" + "\n".join(problems[:20])


def test_mais_recentes_on_a_numbered_page_never_repeats_its_stories(crawl: tuple[Path, dict[str, Story]]) -> None:
    out, _ = crawl
    pages = _pages(out)
    numbered = [page for page in pages if re.fullmatch(r"tag/[a-z0-9-]+/\d+/", page)]
    assert len(numbered) > 50
    linked = 0
    for page in numbered:
        for target in RECENT.findall(pages[page]):
            linked += 1
            ours = {m.group(0) for m in ARTICLE.finditer(pages[page])}
            theirs = {m.group(0) for m in ARTICLE.finditer(pages[target.lstrip("/")])}
            assert not ours & theirs, f"{page}: «Mais recentes» repeats {len(ours & theirs)} of its stories"
    assert linked > 10, "the older numbered pages still lead to the newest"
