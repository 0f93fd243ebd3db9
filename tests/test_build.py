"""The build: contract URLs, atomic swap, nothing outside the output, reproducible, no leaks."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from newsgen.io.layout import MARKER
from newsgen.io.writer import Writer
from newsgen.core.errors import ContentError, UsageError

from helpers.archive import media_urls
from helpers.sites import article_text, NOW, png, REPO, SiteDir, tree


def test_pages_appear_at_the_contract_urls(site: SiteDir) -> None:
    site.article("2025-06-04-kim-recebe-shoigu", headline="Kim recebe Shoigu", hashtags=["CooperaçãoMilitar", "NATO"])
    site.article("2025-07-12-lavrov-em-wonsan", headline="Lavrov em Wonsan", timestamp="2025-07-12T11:00", hashtags=["#cooperacaomilitar"])
    result = site.build()
    files = set(tree(site.out))
    assert {
        "index.html",
        "404.html",
        "mundo/index.html",
        "europa/index.html",
        "mundo/2025/06/index.html",
        "mundo/2025/07/index.html",
        "mundo/2025/06/04/kim-recebe-shoigu/index.html",
        "mundo/2025/07/12/lavrov-em-wonsan/index.html",
        "tag/cooperacao-militar/index.html",
        "tag/nato/index.html",
        "tags/index.html",
        "images/foto.png",
        MARKER,
    } <= files
    assert (result.articles, result.warnings) == (2, ())


def test_an_article_saved_as_markdown_or_upper_case_md_is_published(site: SiteDir, cli) -> None:
    """``.md`` and ``.markdown``, in any case, are articles; the slug is the file name
    without that suffix. (``.MD`` used to be left out silently, even with --strict.)"""
    site.write("content/mundo/2025-06-04-maiusculas.MD", article_text(headline="Em maiúsculas"))
    site.write("content/mundo/2025-06-05-longo.markdown", article_text(headline="Longo", timestamp="2025-06-05T10:00"))
    site.write("content/europa/Misto.Markdown", article_text(headline="Misto", section="europa", timestamp="2025-06-06T10:00"))
    run = cli("-C", str(site.root), "build", "--strict", "--no-search")
    assert run.code == 0, run.err
    assert "built 3 articles" in run.err
    assert "Em maiúsculas" in site.page("mundo/2025/06/04/maiusculas/")
    assert "Longo" in site.page("mundo/2025/06/05/longo/")
    assert "Misto" in site.page("europa/2025/06/06/misto/")
    assert not any(rel.lower().endswith((".md", ".markdown")) for rel in tree(site.out))


def test_one_slug_in_two_article_suffixes_is_a_collision(site: SiteDir) -> None:
    site.article("2025-06-04-kim")
    site.write("content/mundo/2025-06-04-kim.markdown", article_text())
    with pytest.raises(ContentError) as caught:
        site.build()
    assert sorted(p.path for p in caught.value.problems) == ["content/mundo/2025-06-04-kim.markdown", "content/mundo/2025-06-04-kim.md"]


def test_a_failed_build_leaves_the_old_site_byte_for_byte(site: SiteDir) -> None:
    site.article("a")
    site.build()
    before, ledger = tree(site.out), (site.root / "urls.lock").read_bytes()
    site.article("b", headline="Outro", timestamp="2025-03-30T01:30")
    site.write("content/mundo/c.md", "sem front matter")
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [p.path for p in caught.value.problems] == ["content/mundo/b.md", "content/mundo/c.md"]
    assert tree(site.out) == before
    assert sorted(p.name for p in site.root.iterdir()) == ["build", "content", "newsgen.yaml", "static", "urls.lock"]
    assert (site.root / "urls.lock").read_bytes() == ledger, "the ledger the first build wrote is left as it was"


def test_a_rebuild_replaces_the_whole_output(site: SiteDir) -> None:
    site.article("antigo", headline="Antigo")
    site.build()
    (site.root / "content/mundo/antigo.md").unlink()
    site.article("novo", headline="Novo")
    site.build()
    assert "Antigo" not in site.page("mundo/2025/06/04/antigo/"), "a notice stands at the deleted article's URL"
    assert (site.out / "mundo/2025/06/04/novo/index.html").is_file()


def test_the_output_must_be_empty_or_built_by_newsgen(site: SiteDir, tmp_path: Path) -> None:
    site.article("a")
    foreign = tmp_path / "documentos"
    foreign.mkdir()
    (foreign / "tese.txt").write_text("não apagar")
    with pytest.raises(UsageError, match="not empty and was not built by newsgen"):
        site.build(output=foreign)
    assert (foreign / "tese.txt").read_text() == "não apagar"
    for bad in (site.root, site.root / "content", site.root / "static" / "out", tmp_path):
        with pytest.raises(UsageError, match="refusing"):
            site.build(output=bad)


def test_the_writer_refuses_paths_outside_the_output(tmp_path: Path) -> None:
    writer = Writer(tmp_path / "out")
    for bad in ("../fora.html", "/etc/passwd", "a/../../b", ""):
        with pytest.raises(ValueError):
            writer.write(bad, b"x")
    writer.write("a/index.html", b"x")
    with pytest.raises(ValueError, match="written twice"):
        writer.write("a/index.html", b"y")
    assert not (tmp_path / "fora.html").exists()


def test_a_symlinked_folder_cannot_lead_writes_outside(tmp_path: Path) -> None:
    root = tmp_path / "out"
    (root).mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / "mundo").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(ValueError, match="outside the output folder"):
        Writer(root).write("mundo/index.html", b"x")
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_embargoed_and_draft_articles_leak_nowhere(site: SiteDir) -> None:
    site.article("a", headline="Notícia pública", hashtags=["NATO"])
    site.write("content/mundo/segredo/foto-secreta.png", png(4, 3))
    site.article(
        "b",
        headline="Cimeira secreta em Genebra",
        timestamp="2025-07-14T09:00",  # a day after NOW
        hashtags=["NATO", "AcordoSecreto"],
        images=[{"src": "segredo/foto-secreta.png", "alt": "Foto", "credit": "AP"}],
    )
    site.article("c", headline="Rascunho confidencial", hashtags=["PlanoConfidencial"], draft=True)
    site.build()
    everything = b"".join(tree(site.out).values()).decode("utf-8", "replace").lower()
    for secret in ("cimeira secreta", "cimeira-secreta", "acordosecreto", "acordo-secreto", "foto-secreta",
                   "rascunho confidencial", "plano-confidencial", "planoconfidencial"):
        assert secret not in everything
    assert "1 artigo" in site.page("tag/nato/")  # the count ignores the embargoed one

    site.build(future=True, drafts=True)
    everything = b"".join(tree(site.out).values()).decode("utf-8", "replace").lower()
    assert "cimeira secreta" in everything and "rascunho confidencial" in everything
    copies = media_urls(site.page("mundo/2025/07/14/b/"))
    assert copies and all((site.out / name).is_file() for name in copies)  # its photo, as copies only
    assert not (site.out / "mundo/segredo/foto-secreta.png").exists()


def test_a_static_file_cannot_overwrite_a_page(site: SiteDir) -> None:
    site.article("a")
    site.write("static/mundo/index.html", "<p>velho</p>")
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [str(p) for p in caught.value.problems] == ["static/mundo/index.html: this file would overwrite the page /mundo/"]


def test_a_broken_template_names_its_file_and_line(site: SiteDir) -> None:
    site.article("a")
    site.write("templates/article.html", '{% extends "base.html" %}\n{% block content %}\n{{ page.article.nope }}\n{% endblock %}\n')
    with pytest.raises(ContentError) as caught:
        site.build()
    [problem] = caught.value.problems
    assert (problem.path, problem.line) == ("templates/article.html", 3)
    site.write("templates/article.html", "{% if %}\n")
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [(p.path, p.line) for p in caught.value.problems] == [("templates/article.html", 1)]


def test_site_templates_override_the_theme(site: SiteDir) -> None:
    site.article("a")
    site.write("templates/404.html", "<p>Nada por aqui.</p>\n")
    site.build()
    assert site.page("404.html") == "<p>Nada por aqui.</p>\n"


def _build_in_subprocess(site_dir: Path, out: Path, env_extra: dict[str, str]) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(int(NOW.timestamp())), **env_extra}
    subprocess.run([sys.executable, "-m", "newsgen", "-C", str(site_dir), "build", "-o", str(out)],
                   env=env, check=True, capture_output=True)


def test_output_is_byte_identical_whatever_the_machine_zone_and_locale(tmp_path: Path) -> None:
    _build_in_subprocess(REPO, tmp_path / "a", {"TZ": "America/New_York", "LC_ALL": "C", "LANG": "C"})
    _build_in_subprocess(REPO, tmp_path / "b", {"TZ": "Asia/Tokyo", "LC_ALL": "C.UTF-8", "LANG": "en_US.UTF-8"})
    first, second = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert first == second and len(first) > 10
