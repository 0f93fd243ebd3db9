"""Photographs through the build: what the editor hears (at the line that shows the image),
what is never published (a camera file, its GPS), and incremental builds after a photo
is added, replaced, re-credited, re-focused or removed, each equal to a build from scratch
and encoding only what changed."""
from __future__ import annotations

import re

import pytest
from PIL import Image

from newsgen.core.errors import ContentError
from newsgen.io import photos as photo_engine

from helpers.archive import CACHE, assert_same_as_cold, media_urls
from helpers.sites import CONFIG, SiteDir, photo, png

KIM, SEUL = "mundo/2025/06/04/kim/", "mundo/2025/07/12/seul/"
STORE = f"{CACHE}/media"


def lead(site: SiteDir, path: str) -> set[str]:
    """The copies the lead figure of the article *path* points at."""
    page = site.page(path)
    return media_urls(page.split('class="figure figure-lead"', 1)[1].split("</figure>", 1)[0])


def crops(site: SiteDir, path: str) -> set[str]:
    """The copies the page gives social networks and search engines."""
    head = site.page(path).split("</head>", 1)[0]
    return {name for name in media_urls(head) if "x" in name.rsplit("-", 1)[1]}


def stored(site: SiteDir) -> set[str]:
    return {f"media/{p.name}" for p in (site.root / STORE).iterdir()}


def published(site: SiteDir) -> set[str]:
    return {f"media/{p.name}" for p in (site.out / "media").iterdir()}


@pytest.fixture
def photos(site: SiteDir, monkeypatch: pytest.MonkeyPatch) -> SiteDir:
    """Two articles, each with a camera photo as its lead, built with the cache; the
    site's ``encoded`` list records every copy encoded from then on."""
    site.write("static/images/kim.jpg", photo(shade=(200, 120, 40)))
    site.write("static/images/seul.jpg", photo(shade=(40, 120, 200)))
    site.article("kim", images=[{"src": "images/kim.jpg", "alt": "Kim", "credit": "KCNA via KNS/AP"}])
    site.article("seul", headline="Seul responde", timestamp="2025-07-12T09:00+01:00",
                 images=[{"src": "images/seul.jpg", "alt": "Seul", "credit": "Yonhap"}],
                 body='Texto.\n\n![O porto](images/kim.jpg "O porto."){credit="KCNA via KNS/AP"}\n')
    assert_same_as_cold(site)
    encoded: list[str] = []
    real = photo_engine.encode
    monkeypatch.setattr(photo_engine, "encode", lambda image, fmt, xmp: encoded.append(fmt) or real(image, fmt, xmp))
    site.encoded = encoded  # type: ignore[attr-defined]
    return site


def rebuild(site: SiteDir, **options: object) -> list[str]:
    """Build *site* with its cache, then check it against a cold build; the formats of
    the copies the build (not the cold one) encoded."""
    site.encoded.clear()  # type: ignore[attr-defined]
    result = site.build(cache=site.root / CACHE, **options)
    encoded = list(site.encoded)  # type: ignore[attr-defined]
    assert_same_as_cold(site, **options)
    site.replanned = result.replanned  # type: ignore[attr-defined]
    return encoded


def test_a_new_article_with_a_new_photo_encodes_that_photo_alone_in_a_quick_rebuild(photos: SiteDir) -> None:
    before = published(photos)
    photos.write("content/mundo/fotos/cimeira.jpg", photo(shade=(90, 90, 90)))
    photos.article("cimeira", headline="Cimeira", timestamp="2025-07-12T15:00+01:00",
                   images=[{"src": "fotos/cimeira.jpg", "alt": "Cimeira", "credit": "AFP"}])
    encoded = rebuild(photos)
    assert photos.replanned, "an addition: the last plan, grown"  # type: ignore[attr-defined]
    new = published(photos) - before
    assert new == lead(photos, "mundo/2025/07/12/cimeira/") | crops(photos, "mundo/2025/07/12/cimeira/")
    assert len(encoded) == len(new)
    assert not (photos.out / "mundo/fotos").exists(), "the camera file is never published"


def test_new_bytes_of_the_same_size_renew_the_copies_of_every_page_that_shows_them(photos: SiteDir) -> None:
    old = lead(photos, KIM)
    seul = lead(photos, SEUL)
    photos.write("static/images/kim.jpg", photo(shade=(10, 200, 10)))
    rebuild(photos)
    assert photos.replanned, "the articles that show it are edited entities: no plan from scratch"  # type: ignore[attr-defined]
    assert lead(photos, KIM).isdisjoint(old) and lead(photos, SEUL) == seul
    body = media_urls(photos.page(SEUL).split('class="article-body"', 1)[1])
    assert body and body <= lead(photos, KIM) | set(), "the other article's body figure shows the new copies"
    assert old.isdisjoint(published(photos) | stored(photos)), "the old copies leave the output and the store"


def test_a_new_credit_renames_that_article_s_copies_and_writes_it_into_them(photos: SiteDir) -> None:
    seul = lead(photos, SEUL)
    body = media_urls(photos.page(SEUL).split('class="article-body"', 1)[1])
    photos.article("kim", images=[{"src": "images/kim.jpg", "alt": "Kim", "credit": "KCNA via AP"}])
    assert_same_as_cold(photos)
    copies = lead(photos, KIM)
    assert copies.isdisjoint(body) and lead(photos, SEUL) == seul, "the body figure keeps its own credit"
    for name in copies:
        with Image.open(photos.out / name) as image:
            packet = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
            assert "KCNA via AP" in (packet.decode() if isinstance(packet, bytes) else packet)


def test_a_new_focus_makes_new_crops_and_keeps_the_widths(photos: SiteDir) -> None:
    photos.write("static/images/kim.jpg", photo(width=2400, height=800, shade=(200, 120, 40)))  # room to move
    rebuild(photos)
    widths, old_crops = lead(photos, KIM), crops(photos, KIM)
    photos.article("kim", images=[{"src": "images/kim.jpg", "alt": "Kim", "credit": "KCNA via KNS/AP", "focus": "10%,50%"}])
    assert rebuild(photos) == ["jpeg"] * 4, "the four crops, nothing else"
    assert lead(photos, KIM) == widths and crops(photos, KIM).isdisjoint(old_crops)


def test_a_removed_image_takes_its_copies_away(photos: SiteDir) -> None:
    copies = lead(photos, KIM) | crops(photos, KIM)
    body = media_urls(photos.page(SEUL).split('class="article-body"', 1)[1])
    photos.article("kim")
    assert_same_as_cold(photos)
    assert "<picture>" not in photos.page(KIM).split("<main", 1)[1].split('class="related"')[0]
    assert (copies - body).isdisjoint(published(photos) | stored(photos))
    assert body <= published(photos), "the other article still shows the same file with the same credit"


def test_an_embargoed_photo_is_encoded_ahead_and_published_with_its_article(photos: SiteDir) -> None:
    photos.write("content/mundo/fotos/secreta.jpg", photo(shade=(1, 2, 3)))
    photos.article("segredo", headline="Segredo", timestamp="2025-07-14T09:00+01:00",
                   images=[{"src": "fotos/secreta.jpg", "alt": "Segredo", "credit": "AP"}])
    before = published(photos)
    assert rebuild(photos)
    ahead = stored(photos) - before
    assert ahead and published(photos) == before, "made in the store, published nowhere"
    assert rebuild(photos, now=photos.options().now.replace(day=15)) == [], "published as made: none encoded again"
    assert published(photos) - before == ahead


def test_the_editor_hears_about_each_image_at_the_line_that_shows_it(site: SiteDir) -> None:
    whole = photo()
    site.write("static/images/cortada.jpg", whole[: len(whole) // 2])
    site.write("static/images/estreita.jpg", photo(width=800))
    site.write("static/images/animada.gif", _animation())
    site.article("kim", images=[{"src": "images/estreita.jpg", "alt": "Kim", "credit": "AP"}],
                 body='Texto.\n\n![Cortada](images/cortada.jpg "Uma foto."){credit="AP"}\n')
    site.article("seul", images=[{"src": "images/animada.gif", "alt": "Seul", "credit": "AP"}], timestamp="2025-07-10T09:00")
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [str(p) for p in caught.value.problems] == [
        "content/mundo/kim.md:7: warning: images/estreita.jpg: a lead image 800 px wide: social cards and Google "
        "Discover want 1200 px or more",
        "content/mundo/kim.md:11: images/cortada.jpg: the file is cut short: replace it",
        "content/mundo/seul.md:7: warning: images/animada.gif: a lead image published as is: social cards and "
        "Google Discover need a JPEG, PNG or WebP photograph",
    ]


def test_a_camera_file_no_article_shows_is_refused_for_its_position(site: SiteDir) -> None:
    site.write("static/images/esquecida.jpg", photo())
    site.write("static/images/limpa.jpg", photo(gps=False))
    site.article("kim")
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [str(p) for p in caught.value.problems] == [
        "static/images/esquecida.jpg: its metadata holds a GPS position and no article shows it, so it would be "
        "published as it is: remove the position from the file"]
    (site.root / "static/images/esquecida.jpg").unlink()
    site.build()
    assert (site.out / "images/limpa.jpg").is_file(), "a static file no article shows is published as it is"


def test_a_focus_must_be_a_point_of_the_picture(site: SiteDir) -> None:
    site.write("static/images/kim.jpg", photo())
    site.article("kim", images=[{"src": "images/kim.jpg", "alt": "Kim", "credit": "AP", "focus": "120%,3"}])
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [str(p) for p in caught.value.problems] == [
        "content/mundo/kim.md:7: focus must be where the subject is, across and down, as two fractions (0.3,0.4) "
        "or percentages (30%,40%), not '120%,3'"]


def test_the_site_s_social_image_stands_in_for_pages_without_a_photo(site: SiteDir) -> None:
    site.write("newsgen.yaml", CONFIG + "social_image:\n  src: images/marca.jpg\n  alt: Mundo de Teste\n  credit: Redação\n")
    site.write("static/images/marca.jpg", photo(width=1600, height=900))
    site.article("kim")
    site.build()
    for path in ("", KIM):
        head = site.page(path).split("</head>", 1)[0]
        card = re.search(r'<meta property="og:image" content="https://example\.pt/(media/[0-9a-f]{20}-1200x628\.jpg)">', head)
        assert card and (site.out / card[1]).is_file(), path
        assert '<meta name="twitter:card" content="summary_large_image">' in head
        assert '<meta property="og:image:alt" content="Mundo de Teste">' in head
    assert not (site.out / "images/marca.jpg").exists()
    site.write("newsgen.yaml", CONFIG + "social_image:\n  src: images/foto.svg\n  alt: Mundo\n")
    (site.root / "static/images/marca.jpg").unlink()
    site.write("static/images/foto.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>')
    with pytest.raises(ContentError) as caught:
        site.build()
    assert [str(p) for p in caught.value.problems] == [
        "newsgen.yaml:10: social_image 'images/foto.svg' must be a JPEG, PNG or WebP photograph"]


def test_a_cold_build_encodes_in_threads_and_says_how_far_it_is(site: SiteDir) -> None:
    for n in range(3):
        site.write(f"static/images/{n}.jpg", photo(shade=(n * 60, 100, 100)))
        site.article(f"a{n}", images=[{"src": f"images/{n}.jpg", "alt": "Foto", "credit": "AP"}],
                     timestamp=f"2025-07-1{n}T09:00+01:00")
    said: list[tuple[str, int, int]] = []
    site.build(jobs=2, progress=lambda *step: said.append(step))
    assert [s for s in said if s[0] == "photos"] == [("photos", n, 3) for n in (1, 2, 3)]
    assert len(lead(site, "mundo/2025/07/12/a2/")) == 6 * (3 if photo_engine.avif_available() else 2)


def _animation() -> bytes:
    import io

    frames = [Image.new("RGB", (40, 30), shade) for shade in ((255, 0, 0), (0, 0, 255))]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    return out.getvalue()


def test_small_photos_are_never_upscaled(site: SiteDir) -> None:
    site.write("static/images/pequena.png", png(500, 300))
    site.article("kim", body='Texto.\n\n![Pequena](images/pequena.png "Legenda."){credit="AP"}\n')
    site.build()
    copies = media_urls(site.page(KIM))
    assert {int(re.search(r"-(\d+)\.", c)[1]) for c in copies} == {240, 320, 500}
    assert 'width="500" height="300"' in site.page(KIM), "shown at its own width, not stretched"
