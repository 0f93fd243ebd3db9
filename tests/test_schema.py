"""The sample site's JSON-LD, checked as a schema validator and a reader would: every block
parses, each object has its type's required properties with values of the right kind, and
what it says agrees with the visible page (the byline, the dates, the corrections, the
publisher's name and logo, the policy pages it names)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from newsgen.pipeline import BuildOptions, build

from helpers.sites import REPO

BASE = "https://mundo.example.pt/"
KIM = "mundo/2025/06/04/kim-jong-un-reitera-apoio-incondicional-a-russia-perante-shoigu/"
LAVROV = "mundo/2025/07/12/colaboracao-entre-russia-e-coreia-do-norte-para-a-recaptura-de-kursk/"
URL = re.compile(r"https://[^\s]+")
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")

# Each type's required properties, and what each value must be: Google's documentation of
# Article, Organization (logo), ProfilePage, Breadcrumb (the last item may leave out its
# `item`: it is the page itself), and schema.org's CorrectionComment.
REQUIRED: dict[str, dict[str, str]] = {
    "NewsArticle": {"headline": "text", "datePublished": "date", "dateModified": "date", "author": "things",
                    "publisher": "thing", "url": "url", "mainEntityOfPage": "thing", "inLanguage": "text"},
    "Person": {"name": "text", "url": "url"},
    "Organization": {"name": "text", "url": "url"},
    "NewsMediaOrganization": {"name": "text", "url": "url", "logo": "thing", "publishingPrinciples": "url",
                              "correctionsPolicy": "url", "masthead": "url", "ownershipFundingInfo": "url"},
    "ImageObject": {"url": "url", "width": "int", "height": "int"},
    "CorrectionComment": {"text": "text", "datePublished": "date"},
    "ProfilePage": {"mainEntity": "thing", "url": "url"},
    "WebPage": {"@id": "url"},
    "BreadcrumbList": {"itemListElement": "things"},
    "ListItem": {"position": "int", "name": "text"},
}
OPTIONAL: dict[str, dict[str, str]] = {
    "NewsArticle": {"image": "images", "correction": "things", "keywords": "texts", "wordCount": "int"},
    "Person": {"jobTitle": "text", "sameAs": "urls", "image": "thing"},
    "Organization": {"description": "text", "sameAs": "urls"},
    "CorrectionComment": {"url": "url"},
    "ImageObject": {"caption": "text", "creditText": "text"},
    "ListItem": {"item": "url"},
}
"""Properties that may be absent, but hold the right kind of value when present."""


class Page(HTMLParser):
    """What a page shows, as far as its JSON-LD speaks of it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self.meta: dict[str, str] = {}
        self.ids: set[str] = set()
        self.stack: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[str, list[str]] = {}
        self.links: list[tuple[str, str]] = []
        """(href, text) of every ``rel="author"`` link, in order."""
        self.times: dict[str, list[str]] = {}
        """The ``datetime`` of each ``<time>``, by the class of the element holding it."""
        self._script = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "meta" and "property" in a:
            self.meta[a["property"]] = a.get("content", "")
        if tag == "script" and a.get("type") == "application/ld+json":
            self._script = True
            self.blocks.append("")
        if tag == "time":
            holder = next((c for _, attrs in reversed(self.stack) if (c := attrs.get("class"))), "")
            self.times.setdefault(holder.split()[0] if holder else "", []).append(a["datetime"])
        if tag not in ("meta", "link", "img", "br", "input"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = False
        while self.stack:
            open_tag, attrs = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._script:
            self.blocks[-1] += data
            return
        for tag, attrs in self.stack:
            for name in (attrs.get("class") or "").split() + [tag]:
                self.texts.setdefault(name, []).append(data)
        if self.stack and self.stack[-1][0] == "a" and self.stack[-1][1].get("rel") == "author":
            self.links.append((self.stack[-1][1]["href"], data))

    def text(self, name: str) -> str:
        return " ".join("".join(self.texts.get(name, [])).split())

    def data(self) -> list[dict[str, Any]]:
        return [json.loads(block) for block in self.blocks]


def things(value: Any) -> Iterator[dict[str, Any]]:
    """Every object with a ``@type`` in *value*, nested ones too."""
    if isinstance(value, dict):
        if "@type" in value:
            yield value
        for inner in value.values():
            yield from things(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from things(inner)


def schema_problems(data: dict[str, Any]) -> list[str]:
    """What a validator would object to: a missing property, a value of the wrong kind."""
    problems = [] if data.get("@context") == "https://schema.org" else ["@context is not https://schema.org"]
    for thing in things(data):
        kind = thing["@type"]
        if kind not in REQUIRED:
            problems.append(f"unexpected type {kind}")
            continue
        optional = OPTIONAL.get(kind, {})
        for prop, expected in [*REQUIRED[kind].items(), *((p, k) for p, k in optional.items() if p in thing)]:
            value = thing.get(prop)
            ok = {
                "text": isinstance(value, str) and value.strip() != "",
                "date": isinstance(value, str) and ISO.fullmatch(value) is not None,
                "url": isinstance(value, str) and URL.fullmatch(value) is not None,
                "urls": isinstance(value, list) and value != [] and all(isinstance(v, str) and URL.fullmatch(v) for v in value),
                "images": isinstance(value, list) and value != [] and all(
                    (isinstance(v, str) and URL.fullmatch(v)) or (isinstance(v, dict) and v.get("@type") == "ImageObject")
                    for v in value),
                "texts": isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value),
                "int": isinstance(value, int) and value > 0,
                "thing": isinstance(value, dict) and "@type" in value,
                "things": isinstance(value, list) and value != [] and all(isinstance(v, dict) and "@type" in v for v in value),
            }[expected]
            if not ok:
                problems.append(f"{kind}.{prop} should be {expected}, not {value!r}")
    return problems


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("schema") / "build"
    build(BuildOptions(site_dir=REPO, output=out, now=datetime(2025, 7, 13, 12, tzinfo=ZoneInfo("Europe/Lisbon")), search=False))
    return out


def page(out: Path, path: str) -> Page:
    return Page((out / path / "index.html").read_text(encoding="utf-8"))


def resolves(out: Path, url: str) -> bool:
    """Whether an address of the site leads to a file of the build (and its fragment to an id)."""
    assert url.startswith(BASE), url
    path, _, fragment = url.removeprefix(BASE).partition("#")
    file = out / path / "index.html" if path.endswith("/") or not path else out / path
    return file.is_file() and (not fragment or fragment in Page(file.read_text(encoding="utf-8")).ids)


@pytest.mark.parametrize("path", ["", KIM, LAVROV, "autor/ana-sousa/", "autor/redacao/", "mundo/europa/", "mundo/2025/07/"])
def test_every_json_ld_block_passes_the_schema_check(sample: Path, path: str) -> None:
    blocks = page(sample, path).data()
    assert blocks, f"/{path} has no JSON-LD"
    for data in blocks:
        assert schema_problems(data) == []


def test_the_news_article_agrees_with_the_page(sample: Path) -> None:
    kim = page(sample, KIM)
    [article] = [d for d in kim.data() if d["@type"] == "NewsArticle"]  # (beside its BreadcrumbList)
    assert article["@type"] == "NewsArticle" and article["headline"] == kim.text("story-headline")
    assert [(a["name"], a["url"]) for a in article["author"]] == [(text, BASE + href.lstrip("/")) for href, text in kim.links]
    author = page(sample, "autor/ana-sousa/")
    assert article["author"][0]["jobTitle"] == author.text("author-role") == "Jornalista"
    published, modified = kim.times["dateline"]
    assert (article["datePublished"], article["dateModified"]) == (published, modified)
    assert kim.meta["article:modified_time"] == modified
    [correction] = article["correction"]
    assert correction["text"] == kim.text("correction").removeprefix(kim.text("correction-title")).strip()
    assert correction["datePublished"] == kim.times["correction-date"][0] == modified, "the last change is the correction"
    assert resolves(sample, correction["url"])


def test_the_publisher_agrees_with_the_page_and_names_pages_that_exist(sample: Path) -> None:
    kim, home = page(sample, KIM), page(sample, "")
    publisher = kim.data()[0]["publisher"]
    assert publisher["@type"] == "NewsMediaOrganization" and publisher["name"] == kim.meta["og:site_name"] == "Diário Exemplo"
    assert {k: v for k, v in home.data()[0].items() if k != "@context"} == publisher, "the home page names the same publisher"
    logo = publisher["logo"]
    with Image.open(sample / logo["url"].removeprefix(BASE)) as image:
        assert image.size == (logo["width"], logo["height"]) and min(image.size) >= 112
    for prop in ("publishingPrinciples", "correctionsPolicy", "masthead", "ownershipFundingInfo"):
        assert resolves(sample, publisher[prop]), prop
    assert publisher["correctionsPolicy"] == BASE + "estatuto-editorial/#correcoes"


def test_an_author_page_is_a_profile_of_the_author_it_shows(sample: Path) -> None:
    for key, kind in (("ana-sousa", "Person"), ("redacao", "Organization")):
        author = page(sample, f"autor/{key}/")
        [profile] = author.data()
        entity = profile["mainEntity"]
        assert profile["@type"] == "ProfilePage" and entity["@type"] == kind
        assert entity["name"] == author.text("h1") and profile["url"] == entity["url"] == f"{BASE}autor/{key}/"
    photo = page(sample, "autor/ana-sousa/").data()[0]["mainEntity"]["image"]
    with Image.open(sample / photo["url"].removeprefix(BASE)) as image:
        assert image.size == (photo["width"], photo["height"])


def test_the_schema_check_can_fail() -> None:
    assert schema_problems({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "x"})
    assert schema_problems({"@context": "https://schema.org", "@type": "CorrectionComment", "text": "x", "datePublished": "ontem"})
