"""The URL scheme: ASCII slugs, hashtag identity, safe output paths."""
from __future__ import annotations

from datetime import date

import pytest

from newsgen.core import urls


@pytest.mark.parametrize(
    ("headline", "slug"),
    [
        ("Colaboração entre Rússia e Coreia do Norte", "colaboracao-entre-russia-e-coreia-do-norte"),
        ("BCE: «Ninguém ganha com uma guerra comercial»", "bce-ninguem-ganha-com-uma-guerra-comercial"),
        ("Łukaszenko recebe Søren em Straße", "lukaszenko-recebe-soren-em-strasse"),
    ],
)
def test_slug_is_ascii_with_accents_folded(headline: str, slug: str) -> None:
    assert urls.slug_from_text(headline) == slug


@pytest.mark.parametrize(
    ("file", "slug"),
    [
        ("content/mundo/2025-06-04-kim-e-shoigu.md", "kim-e-shoigu"),
        ("content/mundo/2025-06-04-kim-e-shoigu.MD", "kim-e-shoigu"),
        ("content/mundo/2025-06-04-kim-e-shoigu.markdown", "kim-e-shoigu"),
        ("content/mundo/Kim e Shoigu.Markdown", "kim-e-shoigu"),
        ("content/mundo/notas.mdx", "notas-mdx"),
    ],
)
def test_the_slug_of_an_article_file_leaves_out_its_date_and_suffix(file: str, slug: str) -> None:
    assert urls.slug_from_file(file) == slug
    assert urls.is_article_file(file) == (not file.endswith(".mdx"))


def test_slug_is_cut_at_a_word_boundary() -> None:
    slug = urls.slug_from_text("palavra " * 30)
    assert len(slug) <= urls.SLUG_MAX and not slug.endswith("-") and slug.endswith("palavra")


@pytest.mark.parametrize(
    ("hashtag", "slug"),
    [
        ("#CooperaçãoMilitar", "cooperacao-militar"),
        ("RússiaCoreiaDoNorte", "russia-coreia-do-norte"),
        ("JustiçaInternacional", "justica-internacional"),
        ("NATO", "nato"),
        ("COP29", "cop29"),
        ("UEFAChampions", "uefa-champions"),
        ("Cooperação Militar", "cooperacao-militar"),
    ],
)
def test_hashtag_slug_splits_camel_case(hashtag: str, slug: str) -> None:
    assert urls.hashtag_slug(hashtag) == slug


def test_hashtag_identity_ignores_case_accents_and_separators() -> None:
    keys = {urls.hashtag_key(t) for t in ("CooperaçãoMilitar", "#cooperacaomilitar", "Cooperação Militar", "cooperação-militar")}
    assert keys == {"cooperacaomilitar"}
    assert urls.hashtag_key("NATO") != urls.hashtag_key("CooperaçãoMilitar")


def test_paths_follow_the_contract() -> None:
    assert urls.article_path("mundo", date(2025, 6, 4), "kim") == "mundo/2025/06/04/kim/"
    assert urls.archive_path("mundo", 2025, 6) == "mundo/2025/06/"
    assert urls.tag_path("nato") == "tag/nato/"
    assert urls.output_file("mundo/2025/06/") == "mundo/2025/06/index.html"
    assert urls.output_file("") == "index.html"
    assert urls.output_file("404.html") == "404.html"


@pytest.mark.parametrize("path", ["../x/", "/etc/", "a/../../b/", "a//b/", "a\\b", "./a/"])
def test_unsafe_paths_are_refused(path: str) -> None:
    assert not urls.is_safe_path(path)
    with pytest.raises(ValueError):
        urls.output_file(path)


@pytest.mark.parametrize(
    ("src", "expected"),
    [
        ("images/a.png", "images/a.png"),
        ("/images/a.png", "images/a.png"),
        ("./images/a.png", "images/a.png"),
        ("https://cdn.example.com/a.png", None),
        ("//cdn.example.com/a.png", None),
        ("../secret.png", None),
        ("images/../../x.png", None),
        ("", None),
        ("a.png?x=1", None),
    ],
)
def test_asset_paths_stay_inside_the_site(src: str, expected: str | None) -> None:
    assert urls.asset_path(src) == expected


def test_base_path_comes_from_base_url() -> None:
    assert urls.base_path("https://example.pt") == "/"
    assert urls.base_path("https://example.pt/noticias") == "/noticias/"


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("mundo/2025/06/04/kim-e-shoigu/", "mundo/2025/06/04/kim-e-shoigu/"),
        ("images/foto(1)_v2~final.png", "images/foto(1)_v2~final.png"),
        ("images/foto com espaço.png", "images/foto%20com%20espa%C3%A7o.png"),
        ("100% real.png", "100%25%20real.png"),
        ("a#b?c.png", "a%23b%3Fc.png"),
    ],
)
def test_a_site_path_s_url_is_percent_encoded_once(path: str, url: str) -> None:
    assert urls.url_path(path) == url
    assert urls.encoded_url(url) == url, "a URL already encoded stays as it is"


@pytest.mark.parametrize(
    ("written", "url"),
    [
        ("https://x.pt/a%20b", "https://x.pt/a%20b"),
        ("https://x.pt/a b?q=ç#f g", "https://x.pt/a%20b?q=%C3%A7#f%20g"),
        ("https://ação.pt/", "https://ação.pt/"),
        ("100%.png", "100%25.png"),
        ("mailto:ana@x.pt", "mailto:ana@x.pt"),
    ],
)
def test_a_url_an_editor_wrote_gets_only_what_it_lacks(written: str, url: str) -> None:
    assert urls.encoded_url(written) == url


@pytest.mark.parametrize(
    ("given", "normalized"),
    [
        ("https://example.pt/noticias/", "https://example.pt/noticias/"),
        ("https://Example.PT", "https://Example.PT/"),
        ("https://example.pt/notícias", "https://example.pt/not%C3%ADcias/"),
        ("https://example.pt/not%C3%ADcias/", "https://example.pt/not%C3%ADcias/"),
        ("http://notícias.pt:8080/pr 12/", "http://xn--notcias-9ya.pt:8080/pr%2012/"),
    ],
)
def test_a_base_url_is_encoded_and_ends_with_a_slash(given: str, normalized: str) -> None:
    assert urls.normalized_base_url(given) == normalized


@pytest.mark.parametrize("bad", ["example.pt", "ftp://example.pt/", "https://", "/noticias/", "https://x.pt/?a=1", "https://x.pt/#a"])
def test_a_base_url_must_be_absolute_http(bad: str) -> None:
    with pytest.raises(ValueError):
        urls.normalized_base_url(bad)


def test_the_command_line_imports_no_engine_and_no_slugify() -> None:
    """The no-op check runs before the engine is imported: `urls` must stay standard library only."""
    import subprocess
    import sys

    code = "import sys, newsgen.cli; print(sorted(m for m in ('slugify', 'yaml', 'jinja2', 'babel', 'markdown') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"
