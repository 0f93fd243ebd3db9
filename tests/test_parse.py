"""One article file → an Article, or every problem with its line."""
from __future__ import annotations

from datetime import datetime, timedelta, UTC

import pytest
import yaml

from newsgen.core.config import parse_config
from newsgen.core.parse import ParseContext, parse_article

from helpers.sites import article_text, CONFIG

CTX = ParseContext(parse_config(CONFIG), frozenset({"images/foto.png", "mundo/fotos/kim.png"}))
PATH = "content/mundo/2025-06-04-kim-reitera-apoio-incondicional.md"


def parse(text: str | bytes, path: str = PATH):
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return parse_article(path, raw, CTX)


def messages(text: str | bytes) -> list[str]:
    return [str(p) for p in parse(text)[1]]


def test_valid_article_has_typography_url_and_lisbon_time() -> None:
    article, problems = parse(article_text(headline='Kim reitera "apoio incondicional"', timestamp="2025-06-04T18:30"))
    assert problems == []
    assert article is not None
    assert article.headline == "Kim reitera «apoio incondicional»"
    assert article.published.isoformat() == "2025-06-04T18:30:00+01:00"
    assert article.path == "mundo/2025/06/04/kim-reitera-apoio-incondicional/"
    assert "«aspas»" in article.body_html
    assert article.reading_minutes == 1


def test_offset_is_kept_as_the_same_instant_in_lisbon() -> None:
    article, _ = parse(article_text(timestamp="2025-06-04T23:30:00Z"))
    assert article is not None
    assert article.published == datetime(2025, 6, 4, 23, 30, tzinfo=UTC)
    assert article.published.utcoffset() == timedelta(hours=1)
    assert article.path.startswith("mundo/2025/06/05/")  # the Lisbon date


def test_yaml_booleans_and_dates_are_read_as_written() -> None:
    text = "---\nheadline: No\nstandfirst: On\nsection: mundo\ntimestamp: 2025-06-04 18:30:00\nhashtags: [No, On, 2025]\n---\nTexto.\n"
    article, problems = parse(text)
    assert problems == []
    assert article is not None
    assert (article.headline, article.standfirst) == ("No", "On")
    assert [h.text for h in article.hashtags] == ["No", "On", "2025"]
    assert article.published.isoformat() == "2025-06-04T18:30:00+01:00"


def test_spring_forward_gap_is_an_error_with_utc_instants() -> None:
    [problem] = messages(article_text(timestamp="2025-03-30T01:30"))
    assert problem.startswith(f"{PATH}:5: 'timestamp' 2025-03-30T01:30 does not exist in Europe/Lisbon")
    assert "2025-03-30 01:30 UTC" in problem and "2025-03-30 00:30 UTC" in problem


def test_fall_back_overlap_is_an_error_unless_an_offset_is_given() -> None:
    [problem] = messages(article_text(timestamp="2025-10-26T01:30"))
    assert problem.startswith(f"{PATH}:5: 'timestamp' 2025-10-26T01:30 happens twice in Europe/Lisbon")
    assert "2025-10-26 00:30 UTC (+01:00)" in problem and "2025-10-26 01:30 UTC (+00:00)" in problem
    assert messages(article_text(timestamp="2025-10-26T01:30+00:00")) == []


@pytest.mark.parametrize("value", ["2025-06-04", "4 de junho", "2025-13-01T10:00", "ontem"])
def test_bad_timestamps_are_errors(value: str) -> None:
    [problem] = messages(article_text(timestamp=value))
    assert problem.startswith(f"{PATH}:5: 'timestamp'")


def test_updated_before_timestamp_is_an_error() -> None:
    text = article_text(updated="2025-06-03T10:00")
    assert messages(text) == [f"{PATH}:7: 'updated' is before 'timestamp'"]


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    text = """\
---
headline: ""
section: mundoo
timestamp: amanhã
hashtags: ["#", "a/b", "x.y", "#NATO", "nato"]
images:
  - src: https://cdn.example.com/foto.jpg
    alt: Foto
  - src: images/nao-existe.png
    caption: Sem alt
    credit: AP
hedline: typo
---
Texto.
"""
    assert messages(text) == [
        f"{PATH}:2: 'headline' must not be empty",
        f"{PATH}:2: missing required field 'standfirst'",
        f"{PATH}:3: unknown section 'mundoo' (did you mean 'mundo'?); newsgen.yaml defines: mundo, europa",
        f"{PATH}:4: 'timestamp' is not an ISO 8601 date and time (e.g. 2025-06-04T18:30 or 2025-06-04T18:30+01:00): 'amanhã'",
        f"{PATH}:5: hashtag '#': is empty",
        f"{PATH}:5: hashtag 'a/b': may hold only letters, digits, spaces and hyphens (no '/', '.', '#' or other signs)",
        f"{PATH}:5: warning: hashtag 'nato' repeats '#NATO'",
        f"{PATH}:5: hashtag 'x.y': may hold only letters, digits, spaces and hyphens (no '/', '.', '#' or other signs)",
        f"{PATH}:7: image 'https://cdn.example.com/foto.jpg' must be a file in static/ or content/, not a URL or a path outside the site",
        f"{PATH}:7: missing required field 'credit'",
        f"{PATH}:9: image 'images/nao-existe.png' not found in static/ or content/",
        f"{PATH}:9: missing required field 'alt'",
        f"{PATH}:12: warning: unknown field 'hedline' (did you mean 'headline'?)",
    ]


def test_hashtags_written_as_a_yaml_comment_get_a_hint() -> None:
    text = article_text().replace('hashtags: ["CooperaçãoMilitar"]', "hashtags: #CooperaçãoMilitar #NATO")
    [problem] = messages(text)
    assert problem.startswith(f"{PATH}:6: hashtags: YAML reads ' #…' as a comment")


def test_image_beside_the_article_or_from_the_root() -> None:
    images = [
        {"src": "fotos/kim.png", "alt": "Kim", "caption": 'Kim em "Pyongyang".', "credit": "KCNA"},
        {"src": "/images/foto.png", "alt": "Foto", "credit": "AP"},
    ]
    article, problems = parse(article_text(images=images))
    assert problems == []
    assert article is not None
    assert [i.src for i in article.images] == ["mundo/fotos/kim.png", "images/foto.png"]
    assert article.images[0].caption == "Kim em «Pyongyang»."


def test_body_images_need_alt_and_credit_and_point_at_the_site_root() -> None:
    body = "Texto.\n\n![Kim](images/foto.png \"Legenda.\"){credit=\"KCNA via KNS/AP\"}\n\n![](images/foto.png)\n"
    article, problems = parse(article_text(body=body))
    assert [str(p) for p in problems] == [
        f"{PATH}:10: image 'images/foto.png' needs a credit: ![…](images/foto.png \"Caption\"){{credit=\"Agency\"}}",
        f"{PATH}:10: image 'images/foto.png' needs alt text: ![what it shows](images/foto.png)",
    ]
    body = "Texto.\n\n![Kim](images/foto.png \"Legenda.\"){credit=\"KCNA via KNS/AP\"}\n"
    article, problems = parse(article_text(body=body))
    assert article is not None and problems == []
    assert '<figure><img alt="Kim" decoding="async" loading="lazy" src="/images/foto.png">' in article.body_html
    assert (
        '<figcaption><span class="visually-hidden">Legenda: </span>Legenda. <span class="credit">'
        '<span class="visually-hidden">Créditos: </span>KCNA via KNS/AP</span></figcaption>'
    ) in article.body_html, "screen readers hear «Legenda:» and «Créditos:»"


def test_bom_and_crlf_are_fine() -> None:
    raw = ("\ufeff" + article_text()).replace("\n", "\r\n").encode("utf-8")
    article, problems = parse(raw)
    assert problems == [] and article is not None


def test_non_utf8_file_is_an_error_naming_file_and_line() -> None:
    raw = article_text(headline="Cooperação").encode("latin-1")
    assert messages(raw) == [f"{PATH}:2: not UTF-8 text (byte 0xe7); save the file as UTF-8"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sem front matter", f"{PATH}:1: missing front matter: start the file with a '---' line"),
        ("---\nheadline: x\n", f"{PATH}:1: front matter is not closed: add a '---' line after the fields"),
        ("---\nheadline: [x\n---\nTexto", f"{PATH}:2: YAML syntax error: unclosed '[': add the closing ']'"),
        ("---\nheadline: x\nsection: [mundo\ntimestamp: 2025-06-04\n---\n", f"{PATH}:3: YAML syntax error: unclosed '[': add the closing ']'"),
        ("---\nheadline: x\nsources: {name: Lusa\nsection: mundo\n---\n", f"{PATH}:3: YAML syntax error: unclosed '{{': add the closing '}}'"),
        ("---\nheadline: 'Kim\nstandfirst: x\nsection: mundo\n---\n", f"{PATH}:2: YAML syntax error: unclosed quote: add the closing ' on this line"),
        (
            '---\nheadline: "Kim recebe Shoigu\nstandfirst: "O líder"\nsection: mundo\n---\n',
            f'{PATH}:2: YAML syntax error: unclosed quote: add the closing " on this line (the value ran on to the " on line 3)',
        ),
        (
            '---\nheadline: "Kim" recebe Shoigu\n---\n',
            f"{PATH}:2: YAML syntax error: text after the closing \": to keep the quotes, put the whole value in ' quotes "
            "(headline: '\"Kim\" recebe Shoigu')",
        ),
        (
            "---\nheadline: x\nstandfirst: Kim: Shoigu\n---\n",
            f'{PATH}:3: YAML syntax error: a \': \' inside a value: put the value in quotes (standfirst: "Kim: Shoigu")',
        ),
        ("---\nheadline: x\nsection:mundo\ntimestamp: 2025-06-04\n---\n", f"{PATH}:3: YAML syntax error: put a space after the ':' (section: mundo)"),
        ("---\nheadline: x\nsection:mundo\n---\n", f"{PATH}:3: YAML syntax error: put a space after the ':' (section: mundo)"),
        ("---\nimages:\n\t- src: a.png\n---\n", f"{PATH}:3: YAML syntax error: a tab in the indentation: indent with spaces"),
        ("---\nheadline: x\n  section: mundo\n---\n", f"{PATH}:3: YAML syntax error: this line is indented more than the key above it; line the keys up"),
        ("---\nheadline: @Kim\n---\n", f"{PATH}:2: YAML syntax error: a value cannot start with '@': put the value in quotes"),
        ("---\nheadline: *Kim*\n---\n", f"{PATH}:2: YAML syntax error: a value cannot start with '*': put the value in quotes"),
        ("---\n- a\n---\nTexto", f"{PATH}:2: expected 'key: value' lines"),
    ],
)
@pytest.mark.parametrize("loader", ["libyaml", "python"])
def test_broken_front_matter_is_told_in_words_at_the_line_to_fix(
    text: str, expected: str, loader: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same words whichever parser reads the YAML (libyaml's messages differ from PyYAML's)."""
    if loader == "python":
        monkeypatch.setattr("newsgen.core.yamldoc.LOADER", yaml.SafeLoader)
    assert messages(text) == [expected]


def test_slug_must_be_clean_and_can_be_given() -> None:
    article, _ = parse(article_text(slug="kim-e-shoigu"))
    assert article is not None and article.path.endswith("/kim-e-shoigu/")
    long = "-".join(["autoridade-palestiniana"] * 4)  # 95 characters: longer than newsgen makes, still valid
    article, _ = parse(article_text(slug=long))
    assert article is not None and article.path.endswith(f"/{long}/")
    assert messages(article_text(slug="../../etc")) == [
        f"{PATH}:7: slug '../../etc' must be lowercase ASCII words joined by hyphens, e.g. 'etc'"
    ]


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("content/mundo/2025-06-04-kim-e-shoigu.md", "kim-e-shoigu"),
        ("content/mundo/Reação de Lisboa.md", "reacao-de-lisboa"),
        ("content/mundo/2025-06-04.md", "kim-recebe-shoigu"),  # nothing in the name: from the headline
        # a long clean name is kept whole (the benchmark corpus has 90-character slugs)
        (f"content/mundo/2025-06-04-{'-'.join(['palavra'] * 14)}.md", "-".join(["palavra"] * 14)),
    ],
)
def test_the_slug_comes_from_the_file_name(path: str, slug: str) -> None:
    article, _ = parse(article_text(headline="Kim recebe Shoigu"), path)
    assert article is not None and article.slug == slug


def test_fixing_a_published_headline_keeps_its_url() -> None:
    before, _ = parse(article_text(headline="Kim recebe Shoigu em Pyongang"))
    after, _ = parse(article_text(headline="Kim Jong-un recebe Shoigu em Pyongyang"))
    assert before is not None and after is not None
    assert before.path == after.path == "mundo/2025/06/04/kim-reitera-apoio-incondicional/"


def test_draft_flag_and_placeholders_from_newsgen_new() -> None:
    from newsgen.core.parse import PLACEHOLDER_BODY, PLACEHOLDER_STANDFIRST

    text = article_text(standfirst=PLACEHOLDER_STANDFIRST, body=PLACEHOLDER_BODY, draft=True)
    article, problems = parse(text)
    assert problems == [] and article is not None and article.draft
    assert messages(text.replace("draft: true", "draft: false")) == [
        f"{PATH}:3: the standfirst still holds the text from 'newsgen new'",
        f"{PATH}:9: the body still holds the text from 'newsgen new'",
    ]
    assert messages(article_text(draft="talvez")) == [f"{PATH}:7: 'draft' must be true or false, not 'talvez'"]


def test_unbalanced_quotes_are_warnings_with_their_line() -> None:
    body = "Primeiro parágrafo.\n\n## Cooperação \"ilegal\n\nFim."
    assert messages(article_text(body=body)) == [f"{PATH}:10: warning: quotes do not balance in: 'Cooperação \"ilegal'"]


def test_sources_accept_names_and_links() -> None:
    article, problems = parse(article_text(sources=["Lusa", {"name": "Tass", "url": "https://tass.com"}]))
    assert problems == [] and article is not None
    assert [(s.name, s.url) for s in article.sources] == [("Lusa", ""), ("Tass", "https://tass.com")]


def test_an_inline_image_keeps_its_credit_out_of_the_html() -> None:
    body = 'Texto com ![mapa](images/foto.png){credit="Reuters"} no meio.'
    article, problems = parse(article_text(body=body))
    assert problems == [] and article is not None
    assert "credit=" not in article.body_html and 'src="/images/foto.png"' in article.body_html
