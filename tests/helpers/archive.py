"""The test archive (~50 articles over four months, a draft and an embargoed one, a region
nested in Mundo, a manchete, a destaque until a given time, a kicker and two topics), edits
an editor makes to it, and the one check of incremental builds: the output equals a build
from scratch of the same sources."""
from __future__ import annotations

import difflib
import random
import re
import shutil
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from PIL import Image

import newsgen
from newsgen.core.options import BuildResult

from helpers.newsroom import NEWSROOM_EDITS, newsroom_edit
from helpers.sites import CONFIG, SiteDir, article_text, png, tree

CACHE = ".newsgen-cache"
SOURCES = ("newsgen.yaml", "topics.yaml", "urls.lock", "content", "static", "templates")
"""What a site's author edits; never ``build/`` nor the cache."""
THEME = Path(newsgen.__file__).parent / "theme"
LATER = datetime(2025, 7, 15, 12, 0, tzinfo=UTC)
"""After the embargoed article's time."""
MUCH_LATER = datetime(2025, 8, 30, 12, 0, tzinfo=UTC)
"""So late that no hashtag of the archive is featured any more (30-day window)."""


# --- the one check of incremental builds -------------------------------------------------


def assert_same_as_cold(site: SiteDir, **options: object) -> BuildResult:
    """Build *site* incrementally (with its cache), then a copy of its sources from
    scratch with the same options; the two outputs must be identical. Every file whose
    bytes changed must be counted as rewritten. Returns the incremental result."""
    before = tree(site.out) if site.out.is_dir() else {}
    result = site.build(cache=site.root / CACHE, **options)
    after = tree(site.out)
    problems = tree_diff(after, cold_tree(site, **options))
    assert not problems, "the incremental build differs from a build from scratch:\n" + "\n".join(problems)
    # (the search index is made whole by Pagefind, not counted among the plan's files)
    changed = sorted(p for p, body in after.items() if not _hidden(p) and before.get(p) != body and not p.startswith("pagefind/"))
    assert len(changed) <= result.rewritten <= result.files, (
        f"rewritten={result.rewritten}, files={result.files}, but {len(changed)} files changed: {changed[:20]}"
    )
    return result


def _hidden(path: str) -> bool:
    """Bookkeeping such as the output marker, not a file of the site."""
    return any(part.startswith(".") for part in path.split("/"))


def cold_tree(site: SiteDir, **options: object) -> dict[str, bytes]:
    """The output of a build from scratch (no cache, no old output) of a copy of *site*'s
    sources, in a new folder beside it (left for pytest to clean up with the test's tmp_path)."""
    cold = copy_sources(site, Path(tempfile.mkdtemp(prefix="cold-", dir=site.root.parent)) / "site")
    cold.build(**options)
    return tree(cold.out)


def copy_sources(site: SiteDir, destination: Path) -> SiteDir:
    """A new site folder holding *site*'s sources only."""
    destination.mkdir(parents=True)
    for name in SOURCES:
        source = site.root / name
        if source.is_dir():
            shutil.copytree(source, destination / name)
        elif source.is_file():
            shutil.copy2(source, destination / name)
    return SiteDir(destination)


def tree_diff(actual: dict[str, bytes], expected: dict[str, bytes], shown: int = 30) -> list[str]:
    """Missing, extra and differing paths (a few lines of diff for the first ones), not megabytes."""
    lines = [f"missing: {p}" for p in sorted(expected.keys() - actual.keys())][:shown]
    lines += [f"extra: {p}" for p in sorted(actual.keys() - expected.keys())][:shown]
    differing = sorted(p for p in actual.keys() & expected.keys() if actual[p] != expected[p])
    lines += [f"differs: {p}" for p in differing[:shown]]
    if len(differing) > shown:
        lines.append(f"… and {len(differing) - shown} more differing files")
    for path in differing[:2]:
        old = expected[path].decode("utf-8", "replace").splitlines()
        new = actual[path].decode("utf-8", "replace").splitlines()
        diff = difflib.unified_diff(old, new, f"cold/{path}", f"incremental/{path}", n=0, lineterm="")
        lines += [line[:200] for line in list(diff)[:12]]
    return lines


# --- the archive: ~50 articles over four months ------------------------------------------

TOPICS = (
    "Kyiv pede mais defesa aérea aos aliados",
    "Bruxelas aprova novo pacote de sanções",
    "Ministros da NATO reúnem-se em Haia",
    "Trégua em Gaza volta a falhar",
    "Moscovo anuncia exercícios no mar Negro",
    "Varsóvia reforça a fronteira leste",
    "Eleições antecipadas em Bucareste",
)
COUNT = 48
KURSK = 20
"""The only article with the hashtag Kursk."""
ASIA = (4, 13, 31, 40)
"""The articles of the region nested in Mundo (``mundo/asia``)."""
MANCHETE, DESTAQUE, KICKER = 45, 42, 44
UNTIL = "2025-07-14T06:00"
"""When the destaque ends (Lisbon time): after `NOW`, before the embargo lifts and `LATER`."""
ARCHIVE_CONFIG = CONFIG.replace("""    description: Notícias internacionais.
""", """    description: Notícias internacionais.
    sections:
      asia: {title: Ásia}
""")


def topics_text(ukraine: str = "Guerra na Ucrânia", nato: str | None = "Aliança Atlântica", pinned: int = 3,
                extra: str = "") -> str:
    """``topics.yaml`` of the archive: Ucrânia and NATO named (NATO's entry left out when
    *nato* is None), a story pinned on Ucrânia's page (the article *pinned*)."""
    text = f"Ucrânia:\n  name: {ukraine}\n  description: A frente e a diplomacia.\n  pinned: [{PATHS[pinned]}]\n"
    if nato is not None:
        text += f"NATO: {{name: {nato}}}\n"
    return text + extra


def _spec(i: int) -> tuple[str, dict[str, object]]:
    day = date(2025, 4, 1) + timedelta(days=2 * i)
    section = "europa" if i % 3 == 2 else "mundo/asia" if i in ASIA else "mundo"
    hashtags = ["Ucrânia"] if i % 8 != 5 else ["Gaza"]
    hashtags += ["NATO"] * (i % 5 == 0) + ["Eleições"] * (i in (10, 11)) + ["Kursk"] * (i == KURSK)
    topic = TOPICS[i % len(TOPICS)]
    body = f'Primeiro parágrafo da notícia {i}: "{topic}", disse a fonte.\n\nSegundo parágrafo, com mais pormenores.\n'
    if i % 10 == 3:
        body += '\n![Mapa da região](images/foto.png "A região em causa."){credit="Reuters"}\n'
    fields: dict[str, object] = {
        "headline": f"{topic} ({i})",
        "standfirst": f"Resumo da notícia {i} sobre {topic.lower()}.",
        "section": section,
        "timestamp": f"{day.isoformat()}T{8 + i % 11:02d}:{7 * i % 60:02d}",
        "hashtags": hashtags,
        "body": body,
    }
    if i % 6 == 0:
        fields["images"] = [{"src": "images/foto.png", "alt": f"Fotografia {i}", "caption": "Em Kyiv.", "credit": "Lusa"}]
    if i % 4 == 1:
        fields["byline"] = "Ana Sousa"
    if i % 7 == 2:
        fields["sources"] = ["Lusa", {"name": "AFP", "url": "https://www.afp.com/"}]
    if i == MANCHETE:
        fields["priority"] = "manchete"
    elif i == DESTAQUE:
        fields.update(priority="destaque", until=UNTIL)
    elif i == KICKER:
        fields["kicker"] = "Análise"
    return f"content/{section}/{day.isoformat()}-noticia-{i:02d}.md", fields


ARTICLES: dict[str, dict[str, object]] = dict(_spec(i) for i in range(COUNT))
"""The published articles by file, oldest first."""
PATHS = list(ARTICLES)
DRAFT = "content/mundo/2025-07-05-rascunho.md"
EMBARGOED = "content/europa/2025-07-14-cimeira.md"
EMBARGOED_PHOTO = "content/europa/fotos/cimeira.png"
UNPUBLISHED: dict[str, dict[str, object]] = {
    DRAFT: {"headline": "Plano secreto em preparação", "timestamp": "2025-07-05T10:00",
            "hashtags": ["Ucrânia", "PlanoSecreto"], "draft": True},
    EMBARGOED: {"headline": "Cimeira extraordinária em Bruxelas", "section": "europa", "timestamp": "2025-07-14T09:00",
                "hashtags": ["Ucrânia", "Cimeira"],
                "images": [{"src": "fotos/cimeira.png", "alt": "A cimeira", "credit": "AP"}]},
}


def url_of(path: str) -> str:
    """The site path of an archive article: ``content/mundo/2025-04-01-x.md`` → ``mundo/2025/04/01/x/``."""
    folder, name = path.removeprefix("content/").removesuffix(".md").rsplit("/", 1)
    section = {**ARTICLES, **UNPUBLISHED}.get(path, {}).get("section", folder)
    return f"{section}/{name[:10].replace('-', '/')}/{name[11:]}/"


def write_article(site: SiteDir, path: str, **fields: object) -> None:
    site.write(path, article_text(**fields))  # type: ignore[arg-type]


def edit(site: SiteDir, path: str, **changes: object) -> None:
    """Rewrite an archive article in place with some fields changed."""
    write_article(site, path, **{**ARTICLES[path], **changes})


PHOTO = png(1200, 4)
"""The archive's photographs: as wide as a lead image should be (no warning), and cheap
to encode (its copies are 240 to 1200 px wide, 1 to 4 px high)."""


def write_archive(site: SiteDir) -> None:
    site.write("newsgen.yaml", ARCHIVE_CONFIG)
    site.write("topics.yaml", topics_text())
    for path, fields in {**ARTICLES, **UNPUBLISHED}.items():
        write_article(site, path, **fields)
    site.write("static/images/foto.png", PHOTO)
    site.write(EMBARGOED_PHOTO, png(1200, 3))


def media_urls(html: str) -> set[str]:
    """The site paths of the photo copies a page points at (``media/…``)."""
    return set(re.findall(r'/(media/[0-9a-f]{20}-[0-9x]+\.(?:avif|webp|jpg|png))', html))


def checkout_in_place(site: SiteDir) -> None:
    """Every source file and output file written again with the same bytes: new inodes and
    times, as a fresh clone with its output restored from a CI cache has."""
    for name in (*SOURCES, "build"):
        top = site.root / name
        for path in sorted([top] if top.is_file() else top.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                path.unlink()
                path.write_bytes(data)


def pages(site: SiteDir) -> dict[str, str]:
    """Every HTML file of the last build, as text."""
    return {p: body.decode("utf-8") for p, body in tree(site.out).items() if p.endswith(".html")}


LIFE_EDITS = ("retract", "expire", "live", "alias", "link")
"""What happens to a story after publication (`newsgen.core.lifecycle`, `newsgen.core.links`)."""
EDITS = ("headline", "body", "add", "delete", "rename", "draft", "hashtags", "image", "css", "template", "config",
         "priority", "topic", "section", "photo", "credit", "focus", *NEWSROOM_EDITS, *LIFE_EDITS, "checkout")
"""Photographs: ``image`` replaces one with another size, ``photo`` with other pixels of
the same size; ``credit`` and ``focus`` edit an article's lead image; `NEWSROOM_EDITS` the
authors, bylines, corrections and pages. Editors' decisions: ``priority`` gives or takes a
rank (with ``until``), ``topic`` edits topics.yaml, ``section`` moves a story between
sections and regions. ``checkout``: a CI job's fresh clone with its output restored (every
file written anew, same bytes)."""
ANCHOR = "content/mundo/2025-04-02-ancora.md"
"""The article ``link`` edits link to, by its file or its slug (written by the first; not
in *live*, so no other edit deletes, renames or drafts it); a later ``link`` edit may move
it to the next day instead, and the links must follow."""


def random_edit(site: SiteDir, rng: random.Random, kind: str, live: dict[str, dict[str, object]]) -> str:
    """Make one change of *kind* an editor might make; *live* is the article files now on disk."""
    path = rng.choice(sorted(live))
    fields = live[path]
    if kind == "headline":
        live[path] = {**fields, "headline": f"{fields['headline']} (atualizado)"}
    elif kind == "body":
        live[path] = {**fields, "body": f"Corpo {rng.randrange(10**6)}, revisto.\n"}
    elif kind == "add":
        day = date(2025, 4, 1) + timedelta(days=rng.randrange(100))
        number = rng.randrange(10**6)
        path = f"content/europa/{day.isoformat()}-extra-{number}.md"
        live[path] = {"headline": f"Notícia extra {number}", "section": "europa", "timestamp": f"{day.isoformat()}T12:30",
                      "hashtags": rng.sample(["Ucrânia", "NATO", "Gaza", "Kursk", "Novidade"], 2)}
    elif kind == "delete":
        del live[path]
        (site.root / path).unlink()
        return f"delete {path}"
    elif kind == "rename":
        new = path.replace(".md", "-bis.md")
        live[new] = live.pop(path)
        (site.root / path).rename(site.root / new)
        return f"rename {path}"
    elif kind == "draft":
        live[path] = {**fields, "draft": not fields.get("draft", False)}
    elif kind == "hashtags":
        live[path] = {**fields, "hashtags": rng.sample(["Ucrânia", "NATO", "Gaza", "Kursk", "Eleições"], rng.randrange(3))}
    elif kind == "priority":  # given, changed, taken away; with an end before or after the clock, or none
        changed = {k: v for k, v in fields.items() if k not in ("priority", "until")}
        rank = rng.choice(["manchete", "destaque", "normal", None])
        if rank is not None:
            changed["priority"] = rank
            if rng.random() < 0.5:
                changed["until"] = rng.choice(["2025-07-13T08:00", UNTIL, "2025-07-20T10:00"])
        live[path] = changed
    elif kind == "section":  # to another section, the region nested in Mundo included
        live[path] = {**fields, "section": rng.choice(["mundo", "europa", "mundo/asia"])}
    elif kind == "topic":
        site.write("topics.yaml", rng.choice([
            topics_text(ukraine="Ucrânia em guerra"), topics_text(nato=None), topics_text(pinned=rng.randrange(COUNT)),
            topics_text(extra="Gaza:\n  name: Faixa de Gaza\n  description: O cerco e as tréguas.\n"),
        ]))
        return kind
    elif kind in NEWSROOM_EDITS:
        changed = newsroom_edit(site, rng, kind, path, fields)
        if changed is None:
            return kind
        live[path] = changed
    elif kind == "image":
        site.write("static/images/foto.png", png(rng.randrange(10, 60), rng.randrange(5, 40)))
        return kind
    elif kind == "photo":
        with Image.open(site.root / "static/images/foto.png") as image:
            size = image.size
        site.write("static/images/foto.png", png(*size, colour=bytes(rng.randrange(256) for _ in range(3))))
        return kind
    elif kind in ("credit", "focus"):
        shown = sorted(p for p, f in live.items() if f.get("images"))
        if not shown:
            return f"{kind}: no article shows a photo"
        path = rng.choice(shown)
        fields = live[path]
        [image] = fields["images"]  # type: ignore[misc]
        change = {"credit": f"Agência {rng.randrange(100)}"} if kind == "credit" else {
            "focus": f"{rng.randrange(101)}%,{rng.randrange(101)}%"}
        live[path] = {**fields, "images": [{**image, **change}]}  # type: ignore[dict-item]
    elif kind == "css":
        css = (THEME / "static/css/site.css").read_text(encoding="utf-8")
        site.write("static/css/site.css", f"{css}\n/* {rng.randrange(10**6)} */\n")
        return kind
    elif kind == "checkout":  # a CI job: the sources checked out and the output restored, every file anew
        checkout_in_place(site)
        return kind
    elif kind == "template":
        override = site.root / "templates/article.html"
        if override.exists():
            override.unlink()
        else:
            site.write("templates/article.html", (THEME / "templates/article.html").read_text(encoding="utf-8")
                       .replace("{% block content %}", "{% block content %}<p>marca</p>", 1))
        return kind
    elif kind in LIFE_EDITS:
        return _life_edit(site, rng, kind, live)
    else:  # config
        site.write("newsgen.yaml", ARCHIVE_CONFIG.replace("Mundo de Teste", f"Mundo de Teste {rng.randrange(100)}"))
        return kind
    write_article(site, path, **live[path])
    return f"{kind} {path}"


def _life_edit(site: SiteDir, rng: random.Random, kind: str, live: dict[str, dict[str, object]]) -> str:
    """An edit of a story's life: retracted or expired (now, or later the same day), made a
    live page or given one more entry, given an alias, or a new article linking to `ANCHOR`."""
    published = sorted(p for p, f in live.items() if str(f["timestamp"]) < "2025-07-12" and not f.get("draft"))
    path = rng.choice(published)
    fields = dict(live[path])
    number = rng.randrange(10**6)
    if kind == "retract":
        fields["retracted"] = {"at": rng.choice(["2025-07-13T10:00", "2025-07-13T18:00"]), "reason": f"Motivo {number}."}
    elif kind == "expire":
        fields["expires"] = rng.choice(["2025-07-13T11:00", "2025-07-13T20:00"])
    elif kind == "live":
        entries = str(fields.get("body", "Introdução.\n")) if fields.get("live") else "Introdução.\n"
        fields.update(live=True, ends=rng.choice(["2025-07-13T19:00", "2025-07-20T19:00"]),
                      body=f"{entries}\n## 2025-07-1{rng.randrange(3)} {rng.randrange(24):02d}:{rng.randrange(60):02d} Entrada {number}\n\nTexto.\n")
    elif kind == "alias":
        fields["aliases"] = [f"/antigo/{number}/"]
    elif (site.root / ANCHOR).exists() and rng.random() < 0.5:  # link: the anchor moves to the next day
        moved = "2025-04-03T00:30" if "2025-04-02" in (site.root / ANCHOR).read_text(encoding="utf-8") else "2025-04-02T23:30"
        write_anchor(site, moved)
        return f"link: {ANCHOR} moves to {moved}"
    else:  # link: a new article linking to the anchor
        if not (site.root / ANCHOR).exists():
            write_anchor(site)
        day = date(2025, 4, 1) + timedelta(days=rng.randrange(100))
        path = f"content/europa/{day.isoformat()}-ligacao-{number}.md"
        target = rng.choice(["../mundo/2025-04-02-ancora.md", "mundo:ancora", "/content/mundo/2025-04-02-ancora.md"])
        fields = {"headline": f"Ligação {number}", "section": "europa", "timestamp": f"{day.isoformat()}T12:30",
                  "hashtags": ["Ucrânia"], "body": f"Ver [a âncora]({target}#topo).\n"}
    live[path] = fields
    write_article(site, path, **fields)
    return f"{kind} {path}"


def write_anchor(site: SiteDir, timestamp: str = "2025-04-02T10:00") -> None:
    """`ANCHOR`, at *timestamp* (a new day moves its URL)."""
    write_article(site, ANCHOR, headline="Âncora", timestamp=timestamp, hashtags=["Ucrânia"], body="Texto.\n")
