"""A newsroom on top of a small site: two authors, two standalone pages and a publisher with
a logo and a favicon; and the edits an editor makes to them (for `helpers.archive.random_edit`)."""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta
from collections.abc import Iterable

from helpers.sites import CONFIG, SiteDir, png

PUBLISHER = """\
publisher:
  name: Diário Exemplo
  logo: images/marca/logo.png
  favicon: images/marca/icone.png
  publishing_principles: estatuto-editorial
  corrections_policy: estatuto-editorial#correcoes
  masthead: ficha-tecnica
footer: [estatuto-editorial, ficha-tecnica, correcoes]
"""
BIO = "Jornalista da secção Mundo desde 2019. Acompanha a Rússia e a península coreana."
PAGES = {
    "estatuto-editorial": ("Estatuto editorial", "Informar com rigor e isenção.\n\n## Correções {#correcoes}\n\nCorrigimos os erros.\n"),
    "ficha-tecnica": ("Ficha técnica", "Propriedade de Exemplo Media, S.A.\n"),
}


def author_text(name: str, role: str = "", kind: str = "person", bio: str = BIO, photo: str = "",
                same_as: Iterable[str] = ()) -> str:
    lines = ["---", f"name: {json.dumps(name, ensure_ascii=False)}", f"type: {kind}"]
    if role:
        lines.append(f"role: {json.dumps(role, ensure_ascii=False)}")
    if photo:
        lines.append(f"photo: {photo}")
    if same_as:
        lines.append(f"same_as: {json.dumps(list(same_as))}")
    return "\n".join([*lines, "---", bio, ""])


def page_text(title: str, body: str) -> str:
    return f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n{body}"


def write_authors(site: SiteDir, bio: str = BIO, role: str = "Jornalista") -> None:
    site.write("content/autores/ana-sousa.md", author_text("Ana Sousa", role, bio=bio, photo="images/ana.png",
                                                            same_as=["https://social.example/@anasousa"]))
    site.write("content/autores/redacao.md", author_text("Redação", "Equipa da secção Mundo", "organization",
                                                         "Textos da equipa da secção."))


def write_newsroom(site: SiteDir, config: str = CONFIG) -> None:
    """The authors, the pages, the publisher's pictures and its config."""
    write_authors(site)
    site.write("static/images/ana.png", png(120, 120))
    for slug, (title, body) in PAGES.items():
        site.write(f"content/paginas/{slug}.md", page_text(title, body))
    site.write("static/images/marca/logo.png", png(480, 60))
    site.write("static/images/marca/icone.png", png(192, 192))
    site.write("newsgen.yaml", config + PUBLISHER)


NEWSROOM_EDITS = ("correction", "byline", "bio", "page")


def newsroom_edit(site: SiteDir, rng: random.Random, kind: str, path: str, fields: dict[str, object]) -> dict[str, object] | None:
    """One edit of *kind* to the newsroom, or to the article *path* (its *fields* changed,
    returned to be written; None when the edit wrote what it changed itself)."""
    if kind == "correction":
        later = datetime.fromisoformat(str(fields["timestamp"])) + timedelta(days=rng.randrange(1, 4), hours=1)
        at = later.isoformat(timespec="minutes")  # may be after the build clock: held back
        corrections = [*fields.get("corrections", []), {"at": at, "text": f"Correção {rng.randrange(10**6)}."}]  # type: ignore[misc]
        return {**fields, "corrections": corrections}
    if kind == "byline":
        # Free text only where no author is kept (there it would be a warning).
        authors = (site.root / "content/autores").is_dir()
        choices: list[object] = ["ana-sousa", "redacao", ["ana-sousa", "redacao"], "Ana Sousa"] if authors else ["Rui Lopes", "Ana Sousa"]
        return {**fields, "byline": rng.choice(choices)}
    if kind == "bio":
        if not (site.root / "static/images/ana.png").exists():  # the first bio edit brings the authors in
            site.write("static/images/ana.png", png(120, 120))
        write_authors(site, bio=f"{BIO} Revisto {rng.randrange(10**6)}.", role=rng.choice(["Jornalista", "Editora"]))
        return None
    site.write("content/paginas/sobre.md", page_text("Sobre nós", f"Texto {rng.randrange(10**6)}.\n"))
    return None
