"""What a reader notices: valid HTML, accessibility (axe-core, light and dark), page
weight and blocking scripts, pages without JavaScript, small screens, images, pt-PT text.

The repository's own sample site is built once for the module and served on loopback;
one Chromium (the session ``browser`` fixture) drives every browser test. The checkers
come from ``scripts/install-tools`` (``.tools/``): the Nu HTML Checker (``vnu-jar``,
run with java) and ``axe-core``. Without them these tests skip on a workstation and
fail in CI (``CI`` set), as the browser tests do without Chromium.
"""
from __future__ import annotations

import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import pytest

from newsgen.pipeline import BuildOptions, build

from helpers.browser import new_page, serve_directory
from helpers.sites import article_text, CONFIG, REPO, SiteDir

LISBON = ZoneInfo("Europe/Lisbon")
TOOLS = REPO / ".tools" / "node_modules"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "test-results" / "screenshots"

KIM = "mundo/2025/06/04/kim-jong-un-reitera-apoio-incondicional-a-russia-perante-shoigu/"
LAVROV = "mundo/2025/07/12/colaboracao-entre-russia-e-coreia-do-norte-para-a-recaptura-de-kursk/"
KYIV = "mundo/europa/2025/07/12/kyiv-pede-aos-aliados-mais-defesa-aerea/"
LIVE = "mundo/2025/07/12/em-direto-lavrov-na-coreia-do-norte/"
MOVED = "mundo/2025/06/04/seul-e-toquio-condenam-cooperacao-militar-entre-moscovo-e-pyongyang/"
"""The old address of an article whose timestamp was fixed (its redirect page)."""
ARTICLES = (KIM, LAVROV, KYIV, LIVE)
# Every kind of page a reader can land on, by a short name for test ids.
PAGES = {
    "home": "",
    "section": "mundo/",
    "region": "mundo/europa/",
    "archive": "mundo/2025/06/",
    "topic": "tag/cooperacao-militar/",
    "tag": "tag/justica-internacional/",
    "search": "pesquisa/",
    "article": KIM,
    "article-2": LAVROV,
    "article-3": KYIV,
    "live": LIVE,
    "404": "404.html",
    "author": "autor/ana-sousa/",
    "page": "estatuto-editorial/",
    "corrections": "correcoes/",
}
AXE_PAGES = ("home", "section", "region", "archive", "topic", "tag", "article", "article-3", "live", "404", "search",
             "author", "page", "corrections")
NARROW_PAGES = ("home", "section", "region", "article", "article-2", "article-3", "live", "topic", "tag", "search", "404",
                "author", "corrections")
SCREENSHOT_PAGES = ("home", "section", "topic", "article-3", "search", "404")
NOTICE = "mundo/2025/06/03/retirado/"
"""A retracted article's notice, in the figures site."""

# Bytes of HTML + CSS + JS an article page may transfer (uncompressed, images excluded).
BUDGET = 50_000
LOCAL_HOST = "127.0.0.1"
MONTHS = "janeiro|fevereiro|março|abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro"
PT_DATETIME = re.compile(rf"\d{{1,2}} de (?:{MONTHS}) de \d{{4}}, \d{{2}}:\d{{2}}")


def _missing(message: str) -> None:
    """Skip on a workstation, fail in CI: a checker that cannot run must not look green."""
    message += " (run scripts/install-tools, or make test)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@dataclass(frozen=True)
class Served:
    """A built site: its output folder and the URL it is served at."""

    out: Path
    url: str


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_cache: Path) -> Iterator[Served]:
    """The repository's sample site, built as of 13 July 2025, noon (its destaques still up),
    with its search index, and served."""
    out = tmp_path_factory.mktemp("reader-sample") / "build"
    build(BuildOptions(site_dir=REPO, output=out, now=datetime(2025, 7, 13, 12, tzinfo=LISBON), cache=sample_cache))
    with serve_directory(out) as url:
        yield Served(out, url)
    shutil.rmtree(out, ignore_errors=True)


# A throwaway site whose article has a lead image and two figures in its body: the sample
# articles have at most one image, so lazy loading below the lead needs this one.
FIGURES_PATH = "mundo/2025/06/04/figuras/"
FIGURES = (  # (caption, credit) of each figure, top to bottom
    ("Kim Jong Un e Sergei Shoigu em Pyongyang.", "KCNA via KNS/AP"),
    ("Mapa da região de Kursk.", "Reuters"),
    ("Soldados numa estrada perto de Kursk.", "AP"),
)


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A one-article site: a lead image and two body figures, each with caption and credit."""
    site = SiteDir(tmp_path_factory.mktemp("reader-figures") / "site")
    site.write("newsgen.yaml", CONFIG)
    placeholder = (REPO / "tests" / "sites" / "placeholder.svg").read_bytes()
    site.write("static/images/lead.svg", placeholder)
    site.write("static/images/mapa.svg", placeholder)
    site.write("static/images/soldados.svg", placeholder)
    (lead, lead_credit), (map_caption, map_credit), (troops_caption, troops_credit) = FIGURES
    paragraph = "Texto do artigo com palavras suficientes para ocupar uma linha inteira no ecrã. " * 6
    body = "\n\n".join([
        paragraph + "Segundo a [Reuters](https://www.reuters.com/world/), a ofensiva continua.",
        f'![Mapa da região de Kursk](images/mapa.svg "{map_caption}"){{credit="{map_credit}"}}',
        paragraph,
        f'![Soldados norte-coreanos](images/soldados.svg "{troops_caption}"){{credit="{troops_credit}"}}',
        paragraph,
    ])
    images = [{"src": "images/lead.svg", "alt": "Kim Jong-un e Sergei Shoigu", "caption": lead, "credit": lead_credit}]
    site.write("content/mundo/2025-06-04-figuras.md", article_text(body=body, images=images))
    site.write("content/mundo/2025-06-03-retirado.md", article_text(
        headline="Um artigo retirado", timestamp="2025-06-03T10:00",
        retracted={"at": "2025-06-05T09:00", "reason": "Por decisão judicial."}))
    site.build()
    with serve_directory(site.out) as url:
        yield Served(site.out, url)


@pytest.fixture
def tab(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open a pt-PT, Lisbon-time tab (see conftest ``new_page``) in its own context with the
    given colour scheme, viewport and JavaScript setting; contexts are closed afterwards."""
    contexts: list[Any] = []

    def open_tab(js: bool = True, scheme: str = "light", width: int = 1280, height: int = 800) -> Any:
        context = browser.new_context(
            locale="pt-PT", timezone_id="Europe/Lisbon", java_script_enabled=js,
            color_scheme=scheme, viewport={"width": width, "height": height},
        )
        contexts.append(context)
        return new_page(browser, context=context)

    yield open_tab
    for context in contexts:
        context.close()


def _goto(page: Any, url: str) -> Any:
    response = page.goto(url)
    assert response is not None and response.ok, f"{url}: {response.status if response else 'no response'}"
    return response


# --- 1. The Nu HTML Checker ---------------------------------------------------------------


def test_every_page_is_valid_html(sample: Served, figures: Served) -> None:
    """Nu HTML Checker (vnu): 0 errors over every HTML page, in one java call."""
    if not VNU_JAR.is_file():
        _missing(f"{VNU_JAR.relative_to(REPO)} is missing")
    if not shutil.which("java"):
        _missing("java is missing: apt-get install default-jre-headless")
    pages = sorted(sample.out.rglob("*.html")) + sorted(figures.out.rglob("*.html"))
    assert len(pages) >= 12, pages  # the checker must really see the site
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json", "--stdout",
         str(sample.out), str(figures.out)],
        capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu gave no JSON report (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    names = {f"file:{sample.out}/": "", f"file:{figures.out}/": "(figures site) "}
    problems = []
    for m in messages:
        path = m.get("url", "")
        for prefix, name in names.items():
            path = path.replace(prefix, name)
        problems.append(f"{path}:{m.get('lastLine', '?')}: {m.get('type')}: {m.get('message')}")
    print(f"vnu: {len(pages)} pages, {len(problems)} errors")
    assert problems == [], "Nu HTML Checker errors:\n" + "\n".join(problems)
    assert result.returncode == 0, result.stderr


# --- 2. axe-core, light and dark -----------------------------------------------------------

AXE_RUN = """() => axe.run(document, {
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
  resultTypes: ['violations'],
})"""


@pytest.mark.browser
@pytest.mark.parametrize("name", (*AXE_PAGES, "notice"))
def test_no_accessibility_violations_in_light_or_dark_mode(
    tab: Callable[..., Any], sample: Served, figures: Served, name: str,
) -> None:
    if not AXE_JS.is_file():
        _missing(f"{AXE_JS.relative_to(REPO)} is missing")
    page = tab(scheme="light")
    _goto(page, figures.url + NOTICE if name == "notice" else sample.url + PAGES[name])
    page.evaluate("() => document.fonts.ready")
    page.add_script_tag(path=str(AXE_JS))
    found: list[str] = []
    background: dict[str, str] = {}
    for scheme in ("light", "dark"):
        # Same page, other colour scheme: what a reader whose system is in dark mode sees.
        page.emulate_media(color_scheme=scheme)
        background[scheme] = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        result = page.evaluate(AXE_RUN)
        found += [
            f"{scheme}: {v['id']} [{v.get('impact')}] {v['help']}: " + ", ".join(" ".join(n["target"]) for n in v["nodes"])
            for v in result["violations"]
        ]
    for line in found:
        print(f"axe {name} {line}")
    assert found == [], f"axe-core violations on {PAGES.get(name, NOTICE) or 'home'}:\n" + "\n".join(found)
    # The dark run only counts if the page really turned dark.
    assert background["light"] != background["dark"], background


# --- 3. Budgets on article pages -----------------------------------------------------------


class _Scripts(html.parser.HTMLParser):
    """Every <script> of a document: its attributes and whether it has inline text."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append({k.lower(): v for k, v in attrs})


def _blocking_scripts(document: str) -> list[str]:
    parser = _Scripts()
    parser.feed(document)
    blocking = []
    for attrs in parser.scripts:
        kind = (attrs.get("type") or "").strip().lower()
        if "src" in attrs:
            if not ("defer" in attrs or "async" in attrs or kind == "module"):
                blocking.append(f"<script src={attrs['src']!r}> without defer, async or type=module")
        elif kind not in ("application/ld+json", "module"):  # an inline module runs after parsing, as defer
            blocking.append(f"inline <script type={kind or 'text/javascript'!r}>")
    return blocking


# Resource-loading URLs in the DOM (also those of lazy images not fetched yet).
LOADED_URLS = """() => {
  const fetching = new Set(['stylesheet', 'icon', 'preload', 'modulepreload', 'prefetch', 'preconnect',
                            'dns-prefetch', 'manifest', 'apple-touch-icon']);
  const urls = [];
  for (const el of document.querySelectorAll('[src], [srcset], [poster], link[href], object[data]')) {
    if (el.src) urls.push(el.src);
    if (el.poster) urls.push(el.poster);
    if (el.data) urls.push(el.data);
    for (const part of (el.getAttribute('srcset') || '').split(',')) {
      const url = part.trim().split(/\\s+/)[0];
      if (url) urls.push(new URL(url, document.baseURI).href);
    }
    if (el.tagName === 'LINK' && [...el.relList].some((r) => fetching.has(r))) urls.push(el.href);
  }
  return urls;
}"""


def _foreign(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname != LOCAL_HOST


@pytest.mark.browser
@pytest.mark.parametrize("path", ARTICLES, ids=["kim", "lavrov", "kyiv", "live"])
def test_article_pages_are_light_and_never_blocked_by_scripts(tab: Callable[..., Any], sample: Served, path: str) -> None:
    page = tab()
    responses: list[Any] = []
    requests: list[str] = []
    page.on("response", lambda r: responses.append(r))
    page.on("request", lambda r: requests.append(r.url))
    document = _goto(page, sample.url + path).text()
    page.wait_for_load_state("load")

    weights: dict[str, int] = {"document": 0, "stylesheet": 0, "script": 0}
    files: list[str] = []
    for response in responses:
        kind = response.request.resource_type
        if kind in weights and response.status == 200:
            size = len(response.body())
            weights[kind] += size
            files.append(f"{kind} {urlsplit(response.url).path} {size} B")
    total = sum(weights.values())
    report = (f"{path}: HTML {weights['document'] / 1000:.1f} KB + CSS {weights['stylesheet'] / 1000:.1f} KB"
              f" + JS {weights['script'] / 1000:.1f} KB = {total / 1000:.1f} KB (budget {BUDGET / 1000:.0f} KB)")
    print(report, *files, sep="\n  ")
    assert weights["document"] > 0 and weights["stylesheet"] > 0, report  # measured something real

    problems = [] if total <= BUDGET else [f"over budget: {report}", *files]
    problems += _blocking_scripts(document)
    problems += [f"request to another host: {u}"
                 for u in sorted({u for u in requests + page.evaluate(LOADED_URLS) if _foreign(u)})]
    assert problems == [], f"{path}:\n" + "\n".join(problems)


def test_the_blocking_script_check_can_fail() -> None:
    """The check above would catch the script shapes that hold up the first paint."""
    document = ('<script src="/a.js"></script><script src="/b.js" defer></script><script>var x</script>'
                '<script type="module" src="/c.js"></script><script type="application/ld+json">{}</script>'
                '<script type="module">let y</script>')
    assert _blocking_scripts(document) == ["<script src='/a.js'> without defer, async or type=module",
                                           "inline <script type='text/javascript'>"]


# --- 4. Without JavaScript ----------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize(("path", "texts", "dates"), [
    ("", ["Kim Jong-un reitera «apoio incondicional» à Rússia perante Shoigu",
          "Colaboração entre Rússia e Coreia do Norte para a recaptura de Kursk"],
     {"2025-06-04T18:30:00+01:00": "4 de junho de 2025, 18:30", "2025-07-12T11:00:00+01:00": "12 de julho de 2025, 11:00"}),
    (KIM, ["O líder da Coreia do Norte, Kim Jong-un, voltou a afirmar o seu «apoio incondicional»"],
     {"2025-06-04T18:30:00+01:00": "4 de junho de 2025, 18:30"}),
    ("tag/cooperacao-militar/", ["Kim Jong-un reitera «apoio incondicional» à Rússia perante Shoigu",
                                 "Colaboração entre Rússia e Coreia do Norte para a recaptura de Kursk"],
     {"2025-06-04T18:30:00+01:00": "4 de junho de 2025, 18:30", "2025-07-12T11:00:00+01:00": "12 de julho de 2025, 11:00"}),
], ids=["home", "article", "tag"])
def test_pages_read_fully_without_javascript(
    tab: Callable[..., Any], sample: Served, path: str, texts: list[str], dates: dict[str, str],
) -> None:
    page = tab(js=False)
    _goto(page, sample.url + path)
    h1 = page.locator("h1")
    assert h1.count() == 1 and h1.is_visible() and h1.inner_text().strip()
    main = page.locator("main").inner_text()
    for text in texts:
        assert text in main, f"{path or 'home'}: {text!r} not shown"
    nav = page.get_by_role("navigation", name="Secções").get_by_role("link", name="Mundo", exact=True)
    assert nav.is_visible() and nav.get_attribute("href") == "/mundo/"
    assert page.get_by_role("navigation", name="Secções").get_by_role("link", name="Pesquisa").is_visible()
    for iso, text in dates.items():
        time = page.locator(f"main time[datetime='{iso}']").first
        assert time.is_visible() and time.inner_text() == text, f"{path or 'home'}: {iso}"
    for time in page.locator("main time").all():
        assert PT_DATETIME.fullmatch(time.inner_text()), time.inner_text()
    assert page.problems == []


# --- 5. Small screens and screenshots ------------------------------------------------------

OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .filter((el) => !el.closest('.visually-hidden, .skip-link'))
    .slice(0, 8)
    .map((el) => `${el.tagName.toLowerCase()}${el.className ? '.' + [...el.classList].join('.') : ''}`
                 + ` (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
  return {scrollWidth: document.documentElement.scrollWidth, wide};
}"""


def _png_width(path: Path) -> int:
    return struct.unpack(">I", path.read_bytes()[16:20])[0]


MASTHEAD = 64
"""Most pixels the masthead (name and sections) may take at the top of a phone's screen."""
# Every word of an element (split at spaces) on one line: a word cut in two has two boxes.
SPLIT_WORDS = """(el) => {
  const text = el.firstChild;
  const words = [];
  let at = 0;
  for (const word of text.data.split(' ')) {
    const range = document.createRange();
    range.setStart(text, at);
    range.setEnd(text, at + word.length);
    const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
    if (lines.size > 1) words.push(word);
    at += word.length + 1;
  }
  return {words, lines: Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))};
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 360])
def test_no_sideways_scrolling_on_a_phone(tab: Callable[..., Any], sample: Served, width: int) -> None:
    """Nothing scrolls the page sideways (the sections scroll in their own strip), and the
    masthead stays under 64 px, the name and the sections on one line."""
    page = tab(width=width, height=720)
    overflowing = []
    for name in NARROW_PAGES:
        _goto(page, sample.url + PAGES[name])
        found = page.evaluate(OVERFLOW)
        if found["scrollWidth"] > width:
            overflowing.append(f"{name}: {found['scrollWidth']} px wide; too wide: {', '.join(found['wide'])}")
        masthead = page.evaluate("() => document.querySelector('.masthead').getBoundingClientRect().height")
        if masthead >= MASTHEAD:
            overflowing.append(f"{name}: the masthead is {masthead:.0f} px tall (under {MASTHEAD} px wanted)")
    assert overflowing == [], f"horizontal scrolling at {width} px:\n" + "\n".join(overflowing)


@pytest.mark.browser
def test_a_topic_name_wraps_between_words_on_the_narrowest_phone(tab: Callable[..., Any], sample: Served) -> None:
    """«Cooperação militar» on two lines at 320 px breaks at the space, never inside a word
    (the hashtag «#CooperaçãoMilitar» broke as «#CooperaçãoMilit|ar»)."""
    page = tab(width=320, height=720)
    _goto(page, sample.url + PAGES["topic"])
    heading = page.locator("main h1")
    assert heading.inner_text() == "Cooperação militar"
    found = heading.evaluate(SPLIT_WORDS)
    assert found["words"] == [], f"words cut across lines: {found}"


@pytest.mark.browser
def test_the_lead_photo_spans_a_phone_and_its_caption_lines_up_with_the_text(
    tab: Callable[..., Any], sample: Served,
) -> None:
    """Below 40em the lead photo bleeds to both edges and its caption starts where the text
    does (a later `.figure` rule used to cancel the lead's negative margin); the credit is
    shown as the agency writes it, not in capitals."""
    page = tab(width=360, height=720)
    _goto(page, sample.url + KIM)
    found = page.evaluate("""() => {
      const figure = document.querySelector('.figure-lead');
      const img = figure.querySelector('img').getBoundingClientRect();
      const caption = figure.querySelector('figcaption');
      const body = document.createRange();
      body.selectNodeContents(document.querySelector('.article-body p'));
      const text = body.getClientRects()[0];
      const walker = document.createTreeWalker(caption, NodeFilter.SHOW_TEXT);
      let node = walker.nextNode();
      while (node.parentElement.closest('.visually-hidden')) node = walker.nextNode();  // not «Legenda:»
      const range = document.createRange();
      range.selectNodeContents(node);
      return {imgLeft: img.left, imgRight: img.right, captionLeft: range.getClientRects()[0].left, textLeft: text.left,
              gap: caption.getBoundingClientRect().top - img.bottom,
              credit: getComputedStyle(figure.querySelector('.credit')).textTransform,
              creditText: figure.querySelector('.credit').innerText};
    }""")
    assert (found["imgLeft"], found["imgRight"]) == (0, 360), found
    assert abs(found["captionLeft"] - found["textLeft"]) < 1, found
    assert found["gap"] <= 8, found
    # (innerText is the text as shown: capitals if the credit were still transformed)
    assert found["credit"] == "none" and found["creditText"].endswith("Ilustração newsgen"), found


LOAD_ALL = """async () => {
  // A full-page shot does not scroll: lazy images below the first screen would be blank.
  for (const img of document.images) img.loading = 'eager';
  await Promise.all([...document.images].map((img) => img.complete ? null
    : new Promise((done) => { img.addEventListener('load', done); img.addEventListener('error', done); })));
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots(tab: Callable[..., Any], sample: Served, width: int) -> None:
    """Full-page light-mode screenshots for a human to look at (test-results/screenshots/):
    home, section, topic, article, search (results for «eleição») and 404."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = tab(width=width, height=800)
    for name in SCREENSHOT_PAGES:
        _goto(page, sample.url + PAGES[name] + ("?q=eleição" if name == "search" else ""))
        if name == "search":
            page.locator(".search-results li").first.wait_for()
        page.evaluate(LOAD_ALL)
        page.evaluate("() => document.fonts.ready")
        shot = SCREENSHOTS / f"{name.split('-')[0]}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        # A full-page screenshot grows sideways when the page does.
        assert _png_width(shot) == width, f"{shot.name} is {_png_width(shot)} px wide"


# --- 6. Images ----------------------------------------------------------------------------

IMAGES = """() => {
  const lead = document.querySelector('main article figure img');
  const h1 = document.querySelector('h1');
  const start = lead || h1;
  return [...document.querySelectorAll('img')].map((img) => ({
    src: img.getAttribute('src'),
    width: img.getAttribute('width'),
    height: img.getAttribute('height'),
    decoding: img.getAttribute('decoding'),
    loading: img.getAttribute('loading'),
    priority: img.getAttribute('fetchpriority'),
    lead: img === lead,
    below: Boolean(start && img !== start && (start.compareDocumentPosition(img) & Node.DOCUMENT_POSITION_FOLLOWING)),
  }));
}"""


def _image_problems(images: list[dict[str, Any]]) -> list[str]:
    problems = []
    for img in images:
        where = img["src"]
        for name in ("width", "height"):
            if not (img[name] or "").isdigit() or int(img[name]) <= 0:
                problems.append(f"{where}: no {name} (the text jumps when it loads)")
        if not img["lead"] and img["decoding"] != "async":
            problems.append(f"{where}: decoding={img['decoding']!r}, not 'async'")
        if img["lead"] and img["loading"] == "lazy":
            problems.append(f"{where}: the lead image is loading=lazy (it is above the fold)")
        if img["lead"] and img["priority"] != "high":
            problems.append(f"{where}: the lead image is not fetched first (fetchpriority={img['priority']!r})")
        if img["below"] and img["loading"] != "lazy":
            problems.append(f"{where}: below the lead but loading={img['loading']!r}")
    return problems


@pytest.mark.browser
@pytest.mark.parametrize("path", ARTICLES, ids=["kim", "lavrov", "kyiv", "live"])
def test_article_images_reserve_their_space_and_load_lazily_below_the_lead(
    tab: Callable[..., Any], sample: Served, path: str,
) -> None:
    page = tab(js=False)
    _goto(page, sample.url + path)
    images = page.evaluate(IMAGES)
    assert images, f"{path}: no images to check"
    problems = _image_problems(images)
    assert problems == [], f"{path}:\n" + "\n".join(problems)
    if path == KIM:
        assert [img["lead"] for img in images].count(True) == 1, "the Kim article has a lead figure"


@pytest.mark.browser
def test_body_figures_load_lazily_below_an_eager_lead(tab: Callable[..., Any], figures: Served) -> None:
    page = tab(js=False)
    _goto(page, figures.url + FIGURES_PATH)
    images = page.evaluate(IMAGES)
    figure_images = [img for img in images if img["src"].startswith("/images/")]  # SVGs: published as they are
    assert [img["src"] for img in figure_images][:3] == ["/images/lead.svg", "/images/mapa.svg", "/images/soldados.svg"]
    assert figure_images[0]["lead"]
    problems = _image_problems(images)
    assert problems == [], f"{FIGURES_PATH}:\n" + "\n".join(problems)


HIDDEN_LABELS = """(figcaption) => [...figcaption.querySelectorAll('*')]
  .filter((el) => /^(Legenda|Créditos):$/.test(el.textContent.trim()))
  .map((el) => {
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const clipped = (box.width <= 1 && box.height <= 1)
      || /inset\\(50%\\)|rect\\(0(px)?,? 0(px)?,? 0(px)?,? 0(px)?\\)/.test(style.clipPath + ' ' + style.clip);
    return {text: el.textContent.trim(), clipped,
            // display:none or visibility:hidden would hide it from screen readers too.
            spoken: style.display !== 'none' && style.visibility !== 'hidden' && !el.closest('[aria-hidden=true]')};
  })"""


def _check_captions(page: Any, expected: list[tuple[str, str]]) -> list[str]:
    captions = page.locator("main article figure figcaption")
    problems = []
    if captions.count() != len(expected):
        return [f"{captions.count()} figcaptions, expected {len(expected)}"]
    for index, (caption, credit) in enumerate(expected):
        figcaption = captions.nth(index)
        text = " ".join((figcaption.text_content() or "").split())
        pattern = rf"Legenda:\s*{re.escape(caption)}.*Créditos:\s*{re.escape(credit)}"
        if not re.search(pattern, text):
            problems.append(f"figcaption {index + 1}: {text!r} lacks 'Legenda: {caption}' … 'Créditos: {credit}'")
        labels = figcaption.evaluate(HIDDEN_LABELS)
        if sorted(label["text"] for label in labels) != ["Créditos:", "Legenda:"]:
            problems.append(f"figcaption {index + 1}: no elements holding just 'Legenda:' and 'Créditos:' ({labels})")
        for label in labels:
            if not (label["clipped"] and label["spoken"]):
                problems.append(f"figcaption {index + 1}: {label['text']!r} should be visually hidden but read: {label}")
        # (innerText keeps clipped text, so the labels' visibility is judged above.)
        if caption not in figcaption.inner_text():
            problems.append(f"figcaption {index + 1}: the caption is not shown: {figcaption.inner_text()!r}")
    return problems


@pytest.mark.browser
def test_captions_and_credits_are_announced_to_screen_readers(
    tab: Callable[..., Any], sample: Served, figures: Served,
) -> None:
    page = tab()
    _goto(page, sample.url + KIM)
    kim = ("Imagem ilustrativa de uma cidade portuária ao anoitecer.", "Ilustração newsgen")
    problems = [f"{KIM}: {p}" for p in _check_captions(page, [kim])]
    _goto(page, figures.url + FIGURES_PATH)
    problems += [f"{FIGURES_PATH}: {p}" for p in _check_captions(page, list(FIGURES))]
    assert problems == [], "\n".join(problems)


# --- 7. pt-PT reader text ------------------------------------------------------------------


@pytest.mark.browser
def test_counts_and_reading_time_read_in_european_portuguese(tab: Callable[..., Any], sample: Served) -> None:
    page = tab(js=False)
    _goto(page, sample.url + "tag/justica-internacional/")
    one = page.locator("main").inner_text()
    assert re.search(r"\b1 artigo\b(?!s)", one), one
    _goto(page, sample.url + "tag/cooperacao-militar/")
    four = page.locator("main").inner_text()
    assert re.search(r"\b4 artigos\b", four) and not re.search(r"\b4 artigo\b(?!s)", four), four
    _goto(page, sample.url + "tags/")
    index = page.locator("main").inner_text()
    assert re.search(r"\b1 artigo\b(?!s)", index) and "2 artigos" in index and "10 temas" in index, index
    for path in ARTICLES:
        _goto(page, sample.url + path)
        header = page.locator("main article").first.inner_text()
        minutes = re.search(r"\b(\d+) min de leitura\b", header)
        assert minutes and int(minutes[1]) >= 1, f"{path}: no 'N min de leitura' in {header[:400]!r}"
    assert page.problems == []


# --- Print ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_printing_drops_navigation_and_shows_where_links_go(tab: Callable[..., Any], figures: Served) -> None:
    page = tab()
    _goto(page, figures.url + FIGURES_PATH)
    page.emulate_media(media="print")
    for chrome in (".sections-nav", ".site-footer", ".skip-link"):
        assert not page.locator(chrome).first.is_visible(), f"{chrome} is printed"
    assert page.locator("h1").is_visible()
    after = page.evaluate(
        """() => getComputedStyle(document.querySelector('.article-body a[href^="http"]'), '::after').content"""
    )
    assert "https://www.reuters.com/world/" in after, "a printed link shows its address"


# --- Sharing -------------------------------------------------------------------------------

SHARE_HOSTS = ("https://wa.me/", "https://x.com/intent/post", "https://www.facebook.com/sharer/sharer.php", "mailto:")


def _share_links(page: Any) -> dict[str, str]:
    return {a.inner_text(): a.get_attribute("href") for a in page.locator(".share a").all()}


@pytest.mark.browser
def test_share_links_work_without_javascript_and_load_nothing(tab: Callable[..., Any], sample: Served) -> None:
    """Plain links, each carrying the article's address: no script, no request to another
    host before a click (the test tab records any as a problem)."""
    page = tab(js=False)
    _goto(page, sample.url + KYIV)
    page.wait_for_load_state("load")
    links = _share_links(page)
    address = "https://mundo.example.pt/" + KYIV
    assert list(links) == ["WhatsApp", "X", "Facebook", "E-mail", "Copiar ligação"]
    for name, href in links.items():
        assert href.startswith(SHARE_HOSTS) or href == address, (name, href)
        assert address in unquote(href), f"{name} does not carry the article's address: {href}"
    assert "Kyiv pede aos aliados" in unquote(links["X"]) and "Kyiv pede aos aliados" in unquote(links["E-mail"])
    assert page.locator(".share button").count() == 0, "no share sheet button without JavaScript"
    assert page.problems == []


@pytest.mark.browser
def test_with_javascript_copy_link_copies_and_the_share_sheet_joins_where_it_exists(
    tab: Callable[..., Any], sample: Served,
) -> None:
    """«Copiar ligação» puts the address on the clipboard and says so; a browser with
    ``navigator.share`` (a phone's) gets «Partilhar…», which opens it with the title and
    address. Under 1 KB of script, inline; still no request to another host."""
    address = "https://mundo.example.pt/" + KYIV
    page = tab()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    _goto(page, sample.url + KYIV)
    assert page.locator(".share button").count() == 0, "Chromium on Linux has no navigator.share"
    page.get_by_role("link", name="Copiar ligação").click()
    status = page.locator(".share-status")
    status.filter(has_text="Ligação copiada.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == address
    assert page.url == sample.url + KYIV, "the copy link is not followed"
    script = page.locator(".share + script[type=module]").inner_text()
    assert len(script.encode()) < 1000, f"{len(script.encode())} bytes of share script"
    assert not [u for u in requests if _foreign(u)], requests

    shared = tab()
    shared.add_init_script("navigator.share = (data) => { window.shared = data; return Promise.resolve(); };")
    _goto(shared, sample.url + KYIV)
    shared.get_by_role("button", name="Partilhar…").click()
    assert shared.evaluate("() => window.shared") == {
        "title": "Kyiv pede aos aliados mais defesa aérea depois da maior vaga de ataques do verão", "url": address,
    }
    assert page.problems == [] and shared.problems == []
