"""Invisible control and bidi characters never reach a page: taken out with a warning
naming the character and the field (an error with --strict)."""
from __future__ import annotations

import re

import pytest

from newsgen.core.config import parse_config
from newsgen.core.errors import ConfigError
from newsgen.core.parse import ParseContext, parse_article

from helpers.sites import CONFIG, SiteDir, png, tree

CTX = ParseContext(parse_config(CONFIG), frozenset({"images/foto.png"}))
PATH = "content/mundo/2025-06-04-kim.md"
SHOWN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")

# Every kind of text field, each holding a different invisible character: raw (as pasted)
# or as a YAML escape. The expected warning names the character, the field and its line.
ARTICLE = """\
---
headline: Kim recebe \u202eShoigu
standfirst: "O líder\\u2028norte-coreano recebeu Shoigu."
section: mundo\u200e
timestamp: 2025-06-04T18:30\ufeff
byline: Ana\x07 Sousa
slug: kim\u2066-shoigu
hashtags: [Rússia\u2069, "CooperaçãoMilitar\\x1b"]
sources: [Lusa\x7f, {name: "AFP\\u202d", url: "https://afp.com/\\u200f"}]
images:
  - src: images/foto.png\u202a
    alt: Kim e Shoigu\u061c
    caption: |
      Em Pyongyang,\u2029 na quarta-feira.
    credit: KCNA\x00
---
O líder\u202e da Coreia do Norte.

![Mapa\u200f](images/foto.png "Legenda\u2067."){credit="AP\u202c"}
"""
EXPECTED = [
    "2: warning: removed U+202E RIGHT-TO-LEFT OVERRIDE from 'headline'",
    "3: warning: replaced U+2028 LINE SEPARATOR with a space in 'standfirst'",
    "4: warning: removed U+200E LEFT-TO-RIGHT MARK from 'section'",
    "5: warning: removed U+FEFF ZERO WIDTH NO-BREAK SPACE from 'timestamp'",
    "6: warning: removed U+0007 control character from 'byline'",
    "7: warning: removed U+2066 LEFT-TO-RIGHT ISOLATE from 'slug'",
    "8: warning: removed U+001B control character from 'hashtags'",
    "8: warning: removed U+2069 POP DIRECTIONAL ISOLATE from 'hashtags'",
    "9: warning: removed U+007F control character from 'sources'",
    "9: warning: removed U+200F RIGHT-TO-LEFT MARK from 'url'",
    "9: warning: removed U+202D LEFT-TO-RIGHT OVERRIDE from 'name'",
    "11: warning: removed U+202A LEFT-TO-RIGHT EMBEDDING from 'src'",
    "12: warning: removed U+061C ARABIC LETTER MARK from 'alt'",
    "13: warning: replaced U+2029 PARAGRAPH SEPARATOR with a space in 'caption'",
    "15: warning: removed U+0000 control character from 'credit'",
    "17: warning: removed U+202E RIGHT-TO-LEFT OVERRIDE from the body",
    "19: warning: removed U+200F RIGHT-TO-LEFT MARK from the body",
    "19: warning: removed U+2067 RIGHT-TO-LEFT ISOLATE from the body",
    "19: warning: removed U+202C POP DIRECTIONAL FORMATTING from the body",
]


def test_every_text_field_loses_its_invisible_characters_with_a_warning_naming_them() -> None:
    article, problems = parse_article(PATH, ARTICLE.encode(), CTX)
    assert sorted(str(p).removeprefix(PATH + ":") for p in problems) == sorted(EXPECTED)
    assert article is not None
    assert (article.headline, article.standfirst) == ("Kim recebe Shoigu", "O líder norte-coreano recebeu Shoigu.")
    assert (article.section, article.byline, article.slug) == ("mundo", "Ana Sousa", "kim-shoigu")
    assert [h.text for h in article.hashtags] == ["Rússia", "CooperaçãoMilitar"]
    assert [(s.name, s.url) for s in article.sources] == [("Lusa", ""), ("AFP", "https://afp.com/")]
    [image] = article.images
    assert (image.src, image.alt, image.caption, image.credit) == (
        "images/foto.png", "Kim e Shoigu", "Em Pyongyang, na quarta-feira.", "KCNA",
    )
    assert not SHOWN.search(article.body_html)


def test_no_page_feed_or_index_shows_them_and_strict_refuses_them(site: SiteDir, cli) -> None:
    site.write(PATH, ARTICLE)
    site.write("static/images/foto.png", png(1200, 4))  # wide enough for a lead image: no warning of its own
    run = cli("-C", str(site.root), "build")
    assert run.code == 0, run.err
    assert run.err.count("warning: ") == len(EXPECTED)
    texts = {name: data.decode("utf-8") for name, data in tree(site.out).items() if name.endswith((".html", ".xml", ".txt"))}
    assert "mundo/2025/06/04/kim-shoigu/index.html" in texts
    shown = {name: SHOWN.findall(text) for name, text in texts.items()}
    assert {name: chars for name, chars in shown.items() if chars} == {}
    strict = cli("-C", str(site.root), "check", "--strict")
    assert strict.code == 1
    assert f"{PATH}:2: removed U+202E RIGHT-TO-LEFT OVERRIDE from 'headline'" in strict.err


def test_a_control_character_yaml_refuses_is_taken_out_not_a_syntax_error() -> None:
    text = "---\nheadline: Kim\x08 em Pyongyang\nstandfirst: S\x1f\nsection: mundo\ntimestamp: 2025-06-04T18:30\n---\nTexto.\n"
    article, problems = parse_article(PATH, text.encode(), CTX)
    assert [str(p) for p in problems] == [
        f"{PATH}:2: warning: removed U+0008 control character from 'headline'",
        f"{PATH}:3: warning: replaced U+001F control character with a space in 'standfirst'",
    ]
    assert article is not None and article.headline == "Kim em Pyongyang"


def test_line_and_paragraph_separators_keep_later_line_numbers_right() -> None:
    text = "---\nheadline: Kim\u2028Jong-un\nstandfirst: S\nsection: mundo\ntimestamp: 2025-03-30T01:30\n---\nTexto.\n"
    messages = [str(p) for p in parse_article(PATH, text.encode(), CTX)[1]]
    assert messages[0] == f"{PATH}:2: warning: replaced U+2028 LINE SEPARATOR with a space in 'headline'"
    assert messages[1].startswith(f"{PATH}:5: 'timestamp' 2025-03-30T01:30 does not exist")


def test_in_a_comment_they_are_named_as_in_the_front_matter() -> None:
    text = "---\nheadline: H\nstandfirst: S # nota\u202e\nsection: mundo\ntimestamp: 2025-06-04T18:30\n---\nTexto.\n"
    assert [str(p) for p in parse_article(PATH, text.encode(), CTX)[1]] == [
        f"{PATH}:3: warning: removed U+202E RIGHT-TO-LEFT OVERRIDE from the front matter",
    ]


def test_in_newsgen_yaml_they_are_an_error() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(CONFIG.replace("title: Mundo de Teste", "title: Mundo\u202e de Teste"))
    assert [str(p) for p in caught.value.problems] == [
        "newsgen.yaml:1: 'title' holds U+202E RIGHT-TO-LEFT OVERRIDE, an invisible character: delete it",
    ]


def test_tabs_newlines_and_visible_marks_stay() -> None:
    text = "---\nheadline: Kim\u200d e o \u00ad\nstandfirst: S\nsection: mundo\ntimestamp: 2025-06-04T18:30\n---\nTexto\tcom tab.\n\n    código\n"
    article, problems = parse_article(PATH, text.encode(), CTX)
    assert problems == []
    assert article is not None and article.headline == "Kim\u200d e o \u00ad"
    assert "<p>Texto   com tab.</p>" in article.body_html  # Markdown expands the tab
