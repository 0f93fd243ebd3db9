"""Property-based: arbitrary input never crashes newsgen, and no path leaves the output."""
from __future__ import annotations

import string
from datetime import UTC, date, datetime

import markdown
from helpers.sites import CONFIG
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsgen.core import markup, urls
from newsgen.core.config import parse_config
from newsgen.core.errors import Problem
from newsgen.core.models import Article
from newsgen.core.parse import FIELDS, ParseContext, parse_article
from newsgen.core.site import build_site

CTX = ParseContext(parse_config(CONFIG), frozenset({"images/foto.png"}))
NOW = datetime(2026, 1, 1, tzinfo=UTC)
yaml_scalar = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["No", "On", "~", "null", "2025-06-04", "2025-06-04T18:30", "12:30", "#Tag", "[a, b]", "{a: 1}",
                     "../../etc/passwd", "/abs", "-", "---", "'", '"', "&a [*a]", "!!python/object:os.system", ""]),
)
field_values = st.recursive(
    yaml_scalar, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=10,
)


def render_yaml(value: object, indent: int = 0) -> str:
    """Crude YAML writer on purpose: it produces valid and invalid YAML alike."""
    pad = " " * indent
    if isinstance(value, list):
        return "".join(f"\n{pad}- {render_yaml(v, indent + 2)}" for v in value) or "[]"
    if isinstance(value, dict):
        return "".join(f"\n{pad}{k}: {render_yaml(v, indent + 2)}" for k, v in value.items()) or "{}"
    return str(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fields=st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=10)), field_values, max_size=8),
    body=st.text(max_size=200),
)
def test_any_front_matter_gives_an_article_or_problems_never_a_crash(fields: dict[str, object], body: str) -> None:
    text = "---\n" + "".join(f"{k}: {render_yaml(v, 2)}\n" for k, v in fields.items()) + "---\n" + body
    article, problems = parse_article("content/mundo/x.md", text.encode("utf-8", "surrogatepass"), CTX)
    assert all(isinstance(p, Problem) and p.line >= 0 for p in problems)
    assert (article is None) == any(p.severity == "error" for p in problems)
    if article is not None:
        assert urls.is_safe_path(urls.output_file(article.path))


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=300))
def test_any_bytes_give_an_article_or_problems(raw: bytes) -> None:
    article, problems = parse_article("content/mundo/x.md", raw, CTX)
    assert article is not None or problems


valid_article = st.builds(
    lambda headline, tags, slug, day: (
        "---\n"
        f"headline: {headline!r}\nstandfirst: x\nsection: mundo\n"
        f"timestamp: {day.isoformat()}T12:00+00:00\n"
        f"hashtags: [{', '.join(repr(t) for t in tags)}]\n"
        + (f"slug: {slug!r}\n" if slug is not None else "")
        + "---\nTexto.\n"
    ),
    headline=st.text(min_size=1, max_size=60),
    tags=st.lists(st.text(min_size=1, max_size=20), max_size=4),
    slug=st.none() | st.text(max_size=30),
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(valid_article, min_size=1, max_size=5))
def test_every_computed_output_path_stays_inside_the_output(texts: list[str]) -> None:
    articles: list[Article] = []
    for i, text in enumerate(texts):
        article, _ = parse_article(f"content/mundo/{i}.md", text.encode("utf-8", "surrogatepass"), CTX)
        if article is not None:
            articles.append(article)
    paths = [a.path for a in articles]
    try:
        site = build_site(CTX.config, articles, NOW)
    except Exception as exc:  # only URL collisions may stop the index
        assert "also produced by" in str(exc)
        return
    paths += [t.path for t in site.tags] + [a.path for a in site.archives]
    paths += [p.path for t in site.tags for p in site.tag_pages(t)]
    for path in paths:
        file = urls.output_file(path)
        assert urls.is_safe_path(file) and not file.startswith("/") and ".." not in file.split("/")


@given(st.text(max_size=40))
def test_slugs_are_always_clean_ascii(text: str) -> None:
    for slug in (urls.slug_from_text(text), urls.hashtag_slug(text)):
        assert slug == "" or urls.is_slug(slug)
        assert set(slug) <= set(string.ascii_lowercase + string.digits + "-")


@given(st.text(max_size=60))
def test_asset_paths_never_escape(src: str) -> None:
    path = urls.asset_path(src)
    assert path is None or (urls.is_safe_path(path) and ".." not in path.split("/"))


markdown_pieces = st.sampled_from(
    list("ab ç\n*_`\\[]()!<>&#;:/@.-\"'«»~=|^") + [
        "  \n", "\n\n", "- ", "1. ", "> ", "## ", "http://x.pt", "<http://x.pt>", "<a@b.pt>", "&amp;", "&#233;",
        "[^1]", "\n\n[^1]: Nota.\n", "<b>", "</b>", "<!-- c -->", '![Alt](images/foto.png "Legenda.")',
        '{credit="AP"}', "[ligação](https://x.pt)", "[ref]", "\n\n[ref]: https://x.pt\n", "**", "__", "``",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
    ]
)


@settings(max_examples=400, deadline=None)
@given(pieces=st.lists(markdown_pieces, max_size=30))
@example(["Linha um  \nlinha dois"])  # one example for each inline pattern
@example(["O `código`, \\*não\\* e *sim* ou _sim_, **forte** e <b>negrito</b> &amp; &#233;."])
@example(["Ver <https://x.pt> ou <a@b.pt>, [ligação](https://x.pt), [ref][] e ![Alt](images/foto.png)."])
@example(["Nota[^1] e [ref].\n\n[^1]: Nota.\n\n[ref]: https://x.pt\n"])
def test_skipping_text_without_inline_syntax_changes_no_body(pieces: list[str]) -> None:
    """The quick inline step (`newsgen.core.quickinline`) gives Markdown's own HTML."""
    quick, stock = markup.body_markdown("/", quick=True), markup.body_markdown("/", quick=False)
    assert type(quick.treeprocessors["inline"]) is not type(stock.treeprocessors["inline"])  # installed
    text = "".join(pieces)
    assert _convert(quick, text) == _convert(stock, text)


def _convert(md: markdown.Markdown, text: str) -> str:
    md.resolve = lambda src: src if src.startswith("images/") else None  # type: ignore[attr-defined]
    md.size = lambda site_path: (800, 600)  # type: ignore[attr-defined]
    return md.reset().convert(text)
