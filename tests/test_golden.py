"""The golden site: its whole output, byte for byte, is checked in (refresh: `make golden`)."""
from __future__ import annotations

import difflib
import sys
from pathlib import Path

from newsgen.io.layout import MARKER, MARKER_TEXT

from helpers.sites import REPO, tree

sys.path.insert(0, str(REPO / "tests" / "golden"))
import refresh  # noqa: E402


def test_output_matches_the_checked_in_golden_files(tmp_path: Path) -> None:
    from newsgen.pipeline import build

    build(refresh.options(tmp_path / "out"))
    actual, expected = tree(tmp_path / "out"), tree(refresh.EXPECTED)
    # The marker names the build by a digest of every file's key, newsgen's code among them: bookkeeping.
    assert actual.pop(MARKER).startswith(MARKER_TEXT) and expected.pop(MARKER) == MARKER_TEXT
    assert sorted(actual) == sorted(expected), "files differ; run `make golden` if the change is deliberate"
    for name in sorted(expected):
        if actual[name] != expected[name]:
            diff = difflib.unified_diff(
                expected[name].decode(errors="replace").splitlines(),
                actual[name].decode(errors="replace").splitlines(),
                f"expected/{name}", f"actual/{name}", lineterm="", n=2,
            )
            raise AssertionError("\n".join(list(diff)[:60]) + "\n(run `make golden` if the change is deliberate)")


def test_golden_output_shows_the_rules_at_work() -> None:
    """Read the golden files as a reader would: the rules are visible in them."""
    article = (refresh.EXPECTED / "mundo/2025/06/04/kim-reitera-apoio-incondicional-a-moscovo/index.html").read_text()
    assert "Kim reitera «apoio incondicional» a Moscovo" in article
    assert "«Ele’s»" in article
    assert "«O apoio é “incondicional” e firme» – palavras d’Ele…" in article
    assert "<code>código \"intacto\"</code>" in article or "<code>código &quot;intacto&quot;</code>" in article
    assert '<time datetime="2025-06-04T18:30:00+01:00"' in article and "4 de junho de 2025, 18:30" in article
    assert 'Atualizado <time datetime="2025-06-05T09:15:00+01:00" data-relative>5 de junho de 2025, 09:15</time>' in article
    assert "Por <strong>Redação</strong>" in article and "1 min de leitura" in article
    assert '<a href="https://tass.com/">Tass</a>' in article and "Fontes:" in article
    assert 'src="/noticias/images/foto.svg"' in article  # base_url's path prefix
    assert 'href="/noticias/tag/cooperacao-militar/"' in article
    tag = (refresh.EXPECTED / "tag/cooperacao-militar/index.html").read_text()
    assert "2 artigos" in tag and "#CooperaçãoMilitar" in tag  # the tied spellings: first in code-point order
    names = {p.parent.name for p in (refresh.EXPECTED / "tag").glob("*/index.html")}
    assert names == {"cooperacao-militar", "russia-coreia-do-norte", "justica-internacional", "ue"}
    everything = b"".join(tree(refresh.EXPECTED).values())
    assert b"embargo" not in everything.lower() and b"Rascunho" not in everything
