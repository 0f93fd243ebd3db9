"""Deploy previews: ``--base-url`` and ``NEWSGEN_BASE_URL`` replace newsgen.yaml's base_url."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers.sites import CONFIG, SiteDir, tree

PREVIEW = "https://preview.example/pr-12/"
ROBOTS_NOTE = (
    "warning: the site lives under /pr-12/ but crawlers read only https://preview.example/robots.txt: "
    "serve this build's robots.txt there, or add its Sitemap lines to that file (see README)"
)


def absolute_urls(root: Path) -> set[str]:
    found = set()
    for body in tree(root).values():
        found.update(re.findall(r"https?://[^\s\"'<>)\\]+", body.decode("utf-8", "replace")))
    return found


@pytest.fixture
def preview_site(site: SiteDir) -> SiteDir:
    site.article("kim", images=[{"src": "images/foto.png", "alt": "Foto", "credit": "Lusa"}])
    site.article("seul", headline="Seul responde", timestamp="2025-07-12T09:00+01:00", hashtags=["NATO"])  # in the news sitemap
    return site


def test_the_flag_puts_the_preview_address_everywhere(preview_site: SiteDir, cli) -> None:
    run = cli("-C", str(preview_site.root), "build", "--no-search", "--base-url", PREVIEW)
    assert run.code == 0, run.err
    ours = {u for u in absolute_urls(preview_site.out) if "example" in (urlsplit(u).hostname or "")}  # not share links
    assert ours and all(u.startswith(PREVIEW) for u in ours), sorted(u for u in ours if not u.startswith(PREVIEW))
    for file in ("index.html", "feed.xml", "sitemap.xml", "news-sitemap.xml", "robots.txt", "sitemap-2025-07.xml"):
        assert PREVIEW.encode() in (preview_site.out / file).read_bytes(), file
    article = next(preview_site.out.glob("mundo/*/*/*/kim/index.html")).read_text(encoding="utf-8")
    for tag in ('<link rel="canonical" href="https://preview.example/pr-12/mundo/', '"url":"https://preview.example/pr-12/mundo/',
                '<meta property="og:image" content="https://preview.example/pr-12/media/'):
        assert tag in article, tag
    links = re.findall(r'(?:href|src|action|data-bundle|data-base)="(/[^"]*)"', article)
    assert links and all(link.startswith("/pr-12/") for link in links), [l for l in links if not l.startswith("/pr-12/")]
    assert run.err.splitlines().count(ROBOTS_NOTE) == 1, "said once, not per file"


def test_the_variable_works_and_the_flag_wins(preview_site: SiteDir, cli, monkeypatch) -> None:
    monkeypatch.setenv("NEWSGEN_BASE_URL", "https://other.example/")
    assert cli("-C", str(preview_site.root), "build", "--no-search").code == 0
    assert 'href="https://other.example/"' in preview_site.page("")
    assert "robots.txt" not in cli("-C", str(preview_site.root), "check").err, "no path, no note"
    assert cli("-C", str(preview_site.root), "build", "--no-search", "--base-url", PREVIEW).code == 0
    assert f'href="{PREVIEW}"' in preview_site.page("")


def test_a_build_with_another_base_url_is_no_no_op(preview_site: SiteDir, cli) -> None:
    args = ("-C", str(preview_site.root), "build", "--no-search")
    assert cli(*args).code == 0
    assert " 0 rewritten" in cli(*args).err
    moved = cli(*args, "--base-url", PREVIEW)
    assert moved.code == 0 and " 0 rewritten" not in moved.err
    assert f'href="{PREVIEW}"' in preview_site.page("")
    again = cli(*args, "--base-url", PREVIEW)
    assert " 0 rewritten" in again.err and ROBOTS_NOTE in again.err, "a no-op says it again"
    assert ROBOTS_NOTE not in cli(*args, "--base-url", PREVIEW, "-q").err, "-q hides it"
    back = cli(*args)
    assert " 0 rewritten" not in back.err and 'href="https://example.pt/"' in preview_site.page("")


@pytest.mark.parametrize("verb", ["build", "check", "serve"])
@pytest.mark.parametrize("bad", ["preview.example/pr-12/", "ftp://preview.example/", "https://", "/pr-12/", "https://x.pt/?pr=12"])
def test_a_bad_base_url_is_a_usage_error(preview_site: SiteDir, cli, monkeypatch, verb: str, bad: str) -> None:
    run = cli("-C", str(preview_site.root), verb, "--base-url", bad)
    assert run.code == 2 and run.err == f"newsgen: --base-url must be an absolute http(s) URL, not {bad!r}\n"
    monkeypatch.setenv("NEWSGEN_BASE_URL", bad)
    run = cli("-C", str(preview_site.root), verb)
    assert run.code == 2 and run.err == f"newsgen: NEWSGEN_BASE_URL must be an absolute http(s) URL, not {bad!r}\n"
    assert not preview_site.out.exists()


def test_a_path_in_newsgen_yaml_s_base_url_gets_the_robots_note_too(preview_site: SiteDir, cli) -> None:
    preview_site.write("newsgen.yaml", CONFIG.replace("https://example.pt/", "https://example.pt/noticias/"))
    run = cli("-C", str(preview_site.root), "build", "--no-search")
    assert run.err.splitlines().count(
        "warning: the site lives under /noticias/ but crawlers read only https://example.pt/robots.txt: "
        "serve this build's robots.txt there, or add its Sitemap lines to that file (see README)"
    ) == 1


def test_the_preview_serves_below_the_flag_s_path(preview_site: SiteDir, preview) -> None:
    server = preview(preview_site.root, "--no-search", "--base-url", PREVIEW)
    server.wait_for_log("built 2 articles")
    assert server.url.endswith("/pr-12/")
    code, page = server.get("")
    assert code == 200 and f'<link rel="canonical" href="{PREVIEW}">' in page and 'href="/pr-12/mundo/"' in page
