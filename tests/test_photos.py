"""Photos (issue 24): the plan (names, ladder, crops), the markup, and the files the encoder
makes: every format and width, upright, in sRGB, without EXIF or GPS, with the credit."""
from __future__ import annotations

import io
import json
import math
import os
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageDraw
from PIL.ExifTags import GPS, IFD, Base

from newsgen.cli import main
from newsgen.core.urls import url_path
from newsgen.core.photoplan import Wanted
from newsgen.core.picture_html import SIZES, picture, schema_images, social_meta
from newsgen.core.pictures import LADDER, PhotoSet, PhotoText, Source, crop_box, feedback, ladder_widths, plan
from newsgen.io import photos
from newsgen.io.photo_metadata import xmp_packet
from newsgen.io.photo_store import MediaStore, ensure
from newsgen.io.photos import avif_available, inspect

TEXT = PhotoText(credit="KCNA via KNS/AP", caption='Kim e Shoigu em «Pyongyang» & <amigos> "x"', rights="© AP 2025")
SERIAL = "SERIAL-4711-SECRET"
MAKE = "Newsgen Test Cam"
FORMATS = ("avif", "webp", "jpeg") if avif_available() else ("webp", "jpeg")
XMP_NS = {"dc": "http://purl.org/dc/elements/1.1/", "photoshop": "http://ns.adobe.com/photoshop/1.0/",
          "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}


def scene(size: tuple[int, int]) -> Image.Image:
    """A small picture with gradients, shapes and a red block in the top-left corner."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.4, h * 0.3, w * 0.8, h * 0.9), fill=(40, 120, 200))
    draw.rectangle((w * 0.55, h * 0.1, w * 0.95, h * 0.35), fill=(230, 200, 40))
    draw.rectangle((0, 0, w // 6, h // 6), fill=(255, 0, 0))
    return image


def camera_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[Base.Make] = MAKE
    exif[Base.Orientation] = orientation
    exif.get_ifd(IFD.Exif)[Base.BodySerialNumber] = SERIAL
    exif.get_ifd(IFD.GPSInfo).update({GPS.GPSLatitudeRef: "N", GPS.GPSLatitude: (38.0, 42.0, 30.5),
                                      GPS.GPSLongitudeRef: "W", GPS.GPSLongitude: (9.0, 8.0, 24.1)})
    return exif


def camera_jpeg(path: Path, size: tuple[int, int] = (600, 400), orientation: int = 1) -> Path:
    """A JPEG as an agency camera writes it: make, serial number, GPS, orientation, a
    comment and an (sRGB) ICC profile."""
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    scene(size).save(path, quality=90, exif=camera_exif(orientation), comment=f"Body {SERIAL}", icc_profile=srgb)
    return path


def planned(file: Path, lead: bool = False, text: PhotoText = TEXT, focus: tuple[float, float] = (0.5, 0.5)) -> PhotoSet:
    """*file* inspected and planned as the engine plans an image (AVIF when Pillow has it)."""
    return plan(f"images/{file.name}", inspect(file), text, focus, lead=lead, avif=avif_available())


@pytest.fixture(scope="module")
def encoded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PhotoSet, MediaStore]:
    """A 600×400 camera JPEG published as a lead image: the ladder and the four crops."""
    root = tmp_path_factory.mktemp("photos")
    source = camera_jpeg(root / "kim.jpg")
    photo = planned(source, lead=True)
    store = MediaStore(root / "store")
    result = ensure(store, pairs([(source, photo)]))
    assert result.problems == () and result.files == len(photo.files()) == len(FORMATS) * 4 + 4
    return source, photo, store


def test_every_format_and_width_is_produced(encoded: tuple[Path, PhotoSet, MediaStore]) -> None:
    _, photo, store = encoded
    assert photo.formats == FORMATS
    assert {r.width for r in photo.ladder} == {240, 320, 480, 600}
    pillow_format = {"avif": "AVIF", "webp": "WEBP", "jpeg": "JPEG"}
    for rendition in photo.files():
        with Image.open(store.path(rendition.name)) as image:
            assert (image.format, image.size) == (pillow_format[rendition.format], (rendition.width, rendition.height))
    assert [(r.width, r.height) for r in photo.schema] == [(600, 338), (533, 400), (400, 400)]
    assert photo.social is not None and (photo.social.width, photo.social.height) == (600, 314)


def test_the_ladder_never_upscales() -> None:
    for width in (100, 240, 500, 960, 1000, 1440, 1500, 6000):
        widths = ladder_widths(width)
        assert max(widths) == min(width, LADDER[-1]) and list(widths) == sorted(set(widths))
        assert all(b >= a * 1.1 for a, b in zip(widths, widths[1:]))
    narrow = plan("a.jpg", Source("d", 800, 533, "photo", 1), lead=True)
    assert max(r.width for r in narrow.files()) == 800
    assert narrow.social is not None and narrow.social.width == 800
    assert ladder_widths(6000) == LADDER


def test_no_exif_serial_or_gps_leaves_in_any_file(encoded: tuple[Path, PhotoSet, MediaStore]) -> None:
    source, photo, store = encoded
    assert SERIAL.encode() in source.read_bytes()  # the source has them, so the test means something
    files = [store.path(r.name) for r in photo.files()]
    for file in files:
        data = file.read_bytes()
        with Image.open(file) as image:
            assert len(image.getexif()) == 0 and "icc_profile" not in image.info, file.name
        assert b"Exif\x00\x00" not in data and SERIAL.encode() not in data and MAKE.encode() not in data, file.name
    if shutil.which("exiftool") is None and os.environ.get("CI"):
        pytest.fail("exiftool is missing in CI (scripts/install-tools installs it)")
    if shutil.which("exiftool"):
        tags = json.loads(subprocess.run(["exiftool", "-j", "-a", "-G1", *map(str, [source, *files])],
                                         capture_output=True, check=True).stdout)
        assert any(key.startswith("GPS:") for key in tags[0])
        for found in tags[1:]:
            leaked = [key for key in found if key.split(":")[0] in ("IFD0", "ExifIFD", "GPS", "IFD1", "ICC_Profile")]
            assert leaked == [], found["SourceFile"]


def test_the_credit_caption_and_rights_are_in_every_file(encoded: tuple[Path, PhotoSet, MediaStore]) -> None:
    _, photo, store = encoded
    for rendition in photo.files():
        with Image.open(store.path(rendition.name)) as image:
            root = ET.fromstring(image.info["xmp"])
        assert root.findtext(".//photoshop:Credit", namespaces=XMP_NS) == TEXT.credit
        assert root.findtext(".//dc:description/rdf:Alt/rdf:li", namespaces=XMP_NS) == TEXT.caption
        assert root.findtext(".//dc:rights/rdf:Alt/rdf:li", namespaces=XMP_NS) == TEXT.rights


def test_the_xmp_packet_is_well_formed_whatever_the_text() -> None:
    packet = xmp_packet(PhotoText(credit="A & B </x:xmpmeta>", caption="bell\x07 ]]> <!--", rights=""))
    root = ET.fromstring(packet)
    assert root.findtext(".//photoshop:Credit", namespaces=XMP_NS) == "A & B </x:xmpmeta>"
    assert root.findtext(".//dc:description/rdf:Alt/rdf:li", namespaces=XMP_NS) == "bell ]]> <!--"
    assert root.find(".//dc:rights", XMP_NS) is None
    assert xmp_packet(PhotoText()) == b""
    assert len(xmp_packet(PhotoText(caption="«" * 40_000))) < 65_000  # fits a JPEG's XMP segment


def test_the_exif_orientation_is_applied(tmp_path: Path) -> None:
    """Stored 600×400 on its side with Orientation=6: published 400 wide, 600 high, the
    block from the stored top-left corner now at the top right."""
    photo = planned(camera_jpeg(tmp_path / "side.jpg", orientation=6))
    assert (photo.source.width, photo.source.height) == (400, 600)
    store = MediaStore(tmp_path / "store")
    ensure(store, pairs([(tmp_path / "side.jpg", photo)]))
    with Image.open(store.path(photo.fallback.name)) as image:
        assert image.size == (400, 600)
        red, green, blue = image.convert("RGB").getpixel((390, 10))  # type: ignore[misc]
        assert red > 200 and green < 60 and blue < 60


def test_a_small_copy_decodes_a_jpeg_at_a_fraction_of_its_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[tuple[int, int]] = []
    real = photos.to_srgb
    monkeypatch.setattr(photos, "to_srgb", lambda image: decoded.append(image.size) or real(image))
    photo = planned(camera_jpeg(tmp_path / "big.jpg", (2400, 1600)))
    smallest = photo.ladder[0]
    made: dict[str, bytes] = {}
    photos.make((tmp_path / "big.jpg").read_bytes(), 2400, [(smallest, TEXT)], lambda r, data: made.update({r.name: data}))
    assert decoded == [(300, 200)]  # JPEG's 1/8 scale: the 2400 px are never decoded
    with Image.open(io.BytesIO(made[smallest.name])) as image:
        assert image.size == (240, 160)


def test_a_cmyk_image_is_converted_through_its_profile(tmp_path: Path) -> None:
    """Colour patches in CMYK with a profile whose inks spread (dot gain): published in
    sRGB with the profile's colours, where a plain convert("RGB") is far off."""
    patches = [(c, m, y, k) for c in (0, 128, 255) for m in (0, 160) for y in (0, 96, 255) for k in (0, 100)]
    image = Image.new("CMYK", (40 * len(patches), 40))
    for i, patch in enumerate(patches):
        image.paste(patch, (40 * i, 0, 40 * i + 40, 40))
    image.save(tmp_path / "print.jpg", quality=95, icc_profile=cmyk_profile())
    photo = planned(tmp_path / "print.jpg")
    assert any("CMYK" in note and "through its colour profile" in note for note in photo.source.notes)
    store = MediaStore(tmp_path / "store")
    ensure(store, pairs([(tmp_path / "print.jpg", photo)]))
    with Image.open(store.path(photo.fallback.name)) as out:
        scale = out.width / image.width
        got = [out.getpixel((round((40 * i + 20) * scale), round(20 * scale))) for i in range(len(patches))]
    naive = [Image.new("CMYK", (1, 1), p).convert("RGB").getpixel((0, 0)) for p in patches]
    expected = [ink_to_rgb(p) for p in patches]
    assert mean_error(got, expected) < 4
    assert mean_error(naive, expected) > 15  # what publishing without the profile would give


def test_a_sixteen_bit_image_is_converted_to_eight(tmp_path: Path) -> None:
    ramp = Image.new("I;16", (256, 32))
    ramp.putdata([x * 257 for _ in range(32) for x in range(256)])
    ramp.save(tmp_path / "scan.png")
    photo = planned(tmp_path / "scan.png")
    assert photo.source.kind == "graphic" and any("16-bit" in note for note in photo.source.notes)
    store = MediaStore(tmp_path / "store")
    ensure(store, pairs([(tmp_path / "scan.png", photo)]))
    with Image.open(store.path(photo.fallback.name)) as out:
        assert out.format == "PNG" and out.mode == "RGB"
        assert [out.getpixel((x, 16))[0] for x in (0, 128, 255)] == [0, 128, 255]  # type: ignore[index]


def test_a_truncated_file_is_an_error_never_published(tmp_path: Path) -> None:
    """Its bytes would carry its GPS block: the editor must replace it."""
    whole = camera_jpeg(tmp_path / "whole.jpg").read_bytes()
    (tmp_path / "cut.jpg").write_bytes(whole[: len(whole) * 2 // 3])
    photo = planned(tmp_path / "cut.jpg", lead=True)
    assert photo.source.kind == "broken" and not photo.processed and photo.files() == ()
    assert photo.source.gps  # what publishing it as it is would have leaked
    problems = feedback(photo.src, photo.source, "content/mundo/kim.md", 8, lead=True)
    assert [(p.severity, p.path, p.line, p.message) for p in problems] == [
        ("error", "content/mundo/kim.md", 8, "images/cut.jpg: the file is cut short: replace it")]


def test_a_decompression_bomb_is_refused_without_decoding(tmp_path: Path) -> None:
    for side in (10_000, 30_000):  # over Pillow's limit, and over twice it
        chunks = [(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)), (b"IDAT", zlib.compress(b"")),
                  (b"IEND", b"")]
        png = b"\x89PNG\r\n\x1a\n" + b"".join(
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data)) for kind, data in chunks)
        (tmp_path / "bomb.png").write_bytes(png)
        source = inspect(tmp_path / "bomb.png")
        assert source.kind == "broken" and "too large to decode safely" in source.notes[0]


def test_a_rebuild_encodes_only_new_or_changed_pictures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    encodes: list[str] = []
    real = photos.encode
    monkeypatch.setattr(photos, "encode", lambda image, fmt, xmp: encodes.append(fmt) or real(image, fmt, xmp))
    a, b = camera_jpeg(tmp_path / "a.jpg", (300, 200)), camera_jpeg(tmp_path / "b.jpg", (320, 200))
    store = MediaStore(tmp_path / "store")
    first = [(a, planned(a)), (b, planned(b))]
    assert ensure(store, pairs(first)).files == len(encodes) == 2 * 2 * len(FORMATS)
    encodes.clear()
    assert ensure(store, pairs([(a, planned(a)), (b, planned(b))])).files == 0 and encodes == []
    scene((320, 200)).rotate(180).save(b, quality=90)  # b replaced; a's credit corrected
    again = [(a, planned(a, text=PhotoText(credit="AP"))), (b, planned(b))]
    assert ensure(store, pairs(again)).files == len(encodes) == 2 * 2 * len(FORMATS)
    assert store.prune(r.name for _, photo in again for r in photo.files()) == 2 * 2 * len(FORMATS)


def test_the_bytes_are_the_same_for_any_number_of_jobs(tmp_path: Path) -> None:
    files = [camera_jpeg(tmp_path / f"{n}.jpg", (300 + 20 * n, 200)) for n in range(3)]
    made = {}
    for jobs in (1, 2):
        store, calls = MediaStore(tmp_path / f"store-{jobs}"), []
        ensure(store, pairs([(f, planned(f)) for f in files]), jobs=jobs, progress=lambda *a: calls.append(a))
        assert sorted(calls) == [("photos", n, 3) for n in (1, 2, 3)]
        made[jobs] = {p.name: p.read_bytes() for p in store.root.iterdir()}
    assert made[1] == made[2] and len(made[1]) == 3 * 2 * len(FORMATS)  # 240 and the source's width


def test_the_markup_matches_the_layout_and_every_url_resolves(encoded: tuple[Path, PhotoSet, MediaStore]) -> None:
    _, photo, store = encoded
    lead = picture(photo, "lead", 'Kim "e" <Shoigu>', lambda p: "/" + url_path(p))
    assert 'fetchpriority="high"' in lead and "loading=" not in lead
    assert 'alt="Kim &quot;e&quot; &lt;Shoigu&gt;"' in lead and f'sizes="{SIZES["lead"]}"' in lead
    assert f'width="{photo.fallback.width}" height="{photo.fallback.height}"' in lead
    assert lead.count("<source ") == len(FORMATS) - 1 and '<source type="image/webp"' in lead
    card = picture(photo, "card", "", lambda p: "/" + url_path(p))
    assert 'loading="lazy" decoding="async"' in card and "fetchpriority" not in card
    urls = [candidate.split()[0] for srcset in _attributes(lead, "srcset") for candidate in srcset.split(", ")]
    assert len(urls) == len(photo.ladder)
    assert {url.removeprefix("/") for url in urls + _attributes(lead, "src")} <= store.names()


def test_paths_are_percent_encoded(tmp_path: Path) -> None:
    svg = tmp_path / "mapa.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="200"/>')
    photo = plan("images/mapa da região, 2025.svg", inspect(svg))
    html = picture(photo, "figure", "Mapa", lambda p: "/" + url_path(p))
    assert html == ('<img src="/images/mapa%20da%20regi%C3%A3o,%202025.svg" alt="Mapa" width="300" '
                    'height="200" loading="lazy" decoding="async">')


def test_social_and_schema_crops_keep_the_focus() -> None:
    wide = Source("d" * 64, 2000, 1000, "photo", 1)
    photo = plan("a.jpg", wide, TEXT, (1.0, 0.5), lead=True)
    assert photo.social is not None and (photo.social.width, photo.social.height) == (1200, 628)
    assert [(r.width, r.height) for r in photo.schema] == [(1200, 675), (1200, 900), (1000, 1000)]
    assert all(math.isclose(r.box[2], 2000) for r in photo.schema)  # pushed to the right edge
    assert crop_box(2000, 1000, 1.0, (0.0, 0.5)) == (0.0, 0.0, 1000.0, 1000.0)
    assert crop_box(1000, 2000, 16 / 9, (0.5, 0.0))[1] == 0.0
    left = plan("a.jpg", wide, TEXT, (0.0, 0.5), lead=True)
    assert left.social is not None and left.social.name != photo.social.name  # the focus is in the name
    assert left.ladder == photo.ladder  # but not in the ladder's
    tags = dict((name, content) for _, name, content in social_meta(photo, "Kim", lambda p: "https://x.pt/" + url_path(p)))
    assert tags["og:image"] == f"https://x.pt/{photo.social.name}" and tags["og:image:width"] == "1200"
    objects = schema_images(photo, lambda p: "https://x.pt/" + url_path(p))
    assert [(o["width"], o["height"]) for o in objects] == [(1200, 675), (1200, 900), (1000, 1000)]
    assert objects[0]["creditText"] == TEXT.credit


def test_names_change_with_every_input_that_changes_the_bytes() -> None:
    source = Source("a" * 64, 2000, 1000, "photo", 1)
    base = plan("x.jpg", source, TEXT).ladder[0].name
    assert plan("elsewhere/y.jpg", source, TEXT).ladder[0].name == base  # not the path
    assert plan("x.jpg", Source("b" * 64, 2000, 1000, "photo", 1), TEXT).ladder[0].name != base
    assert plan("x.jpg", source, PhotoText(TEXT.credit, "outra legenda", TEXT.rights)).ladder[0].name != base


def test_the_editor_hears_about_small_huge_and_heavy_pictures() -> None:
    small = plan("p.jpg", Source("d", 800, 600, "photo", 1), lead=True)
    assert [p.message for p in feedback(small.src, small.source, "a.md", 3, lead=True)] == [
        "p.jpg: a lead image 800 px wide: social cards and Google Discover want 1200 px or more"]
    assert feedback(small.src, small.source, "a.md", 3) == ()
    huge = plan("h.jpg", Source("d", 6000, 4500, "photo", 21_500_000), lead=True)
    assert [p.message for p in feedback(huge.src, huge.source, "a.md", 3, lead=True)] == [
        "h.jpg: 27 megapixels (more than 25): resize it before publishing",
        "h.jpg: the file is 21.5 MB (more than 20)"]


def test_animations_pass_through_and_still_gifs_become_graphics(tmp_path: Path) -> None:
    frames = [scene((80, 60)), scene((80, 60)).rotate(90)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:])
    frames[0].save(tmp_path / "still.gif")
    assert inspect(tmp_path / "anim.gif").kind == "original"
    still = planned(tmp_path / "still.gif")
    assert still.source.kind == "graphic" and still.fallback.format == "png"


def test_version_names_the_image_encoders(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("newsgen ") and "WebP " in out and ("AVIF " in out if avif_available() else "AVIF unavailable" in out)


def pairs(photos: list[tuple[Path, PhotoSet]]) -> list[tuple[Path, Wanted]]:
    """Every file of each photo with its source, as `ensure` takes them."""
    return [(file, Wanted(rendition, photo.text, photo.src, photo.source))
            for file, photo in photos for rendition in photo.files()]


def _attributes(html: str, name: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split(f' {name}="')[1:]]


def mean_error(got: list, expected: list) -> float:
    return sum(abs(a - b) for g, e in zip(got, expected) for a, b in zip(g, e)) / (3 * len(expected))


# A CMYK printer profile made here, so the test needs no file from elsewhere: inks that
# spread (coverage t prints as t ** 0.6) and multiply. A2B0 maps CMYK to the D50 Lab of
# those colours in sRGB; a plain convert("RGB") ignores the spread.
def ink_to_rgb(cmyk: tuple[int, ...]) -> tuple[int, int, int]:
    c, m, y, k = ((v / 255) ** 0.6 for v in cmyk)
    return tuple(round(255 * (1 - ink) * (1 - k)) for ink in (c, m, y))  # type: ignore[return-value]


def _lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    linear = [((v / 255 + 0.055) / 1.055) ** 2.4 if v / 255 > 0.04045 else v / 255 / 12.92 for v in rgb]
    d50 = ((0.4360747, 0.3850649, 0.1430804), (0.2225045, 0.7168786, 0.0606169), (0.0139322, 0.0971045, 0.7141733))
    x, y, z = (sum(a * b for a, b in zip(row, linear)) for row in d50)
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in (x / 0.9642, y, z / 0.8249)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def cmyk_profile(grid: int = 9) -> bytes:
    """An ICC v2 output profile (CMYK → Lab) with one lut16 table, A2B0."""
    steps = [round(255 * i / (grid - 1)) for i in range(grid)]
    clut = bytearray()
    for c in steps:
        for m in steps:
            for y in steps:
                for k in steps:
                    L, a, b = _lab(ink_to_rgb((c, m, y, k)))
                    clut += struct.pack(">3H", *(min(65535, max(0, round(v))) for v in (L * 652.8, (a + 128) * 256, (b + 128) * 256)))
    identity = struct.pack(">2H", 0, 65535)
    matrix = struct.pack(">9i", 65536, 0, 0, 0, 65536, 0, 0, 0, 65536)
    lut = b"mft2" + bytes(4) + bytes([4, 3, grid, 0]) + matrix + struct.pack(">2H", 2, 2)
    lut += identity * 4 + bytes(clut) + identity * 3
    desc = b"desc" + bytes(4) + struct.pack(">I", 5) + b"test\x00" + bytes(8 + 3 + 67)
    wtpt = b"XYZ " + bytes(4) + struct.pack(">3i", 63190, 65536, 54061)
    tags, body, offset = [], b"", 128 + 4 + 12 * 3
    for sig, data in ((b"A2B0", lut), (b"desc", desc), (b"wtpt", wtpt)):
        tags.append(struct.pack(">4sII", sig, offset + len(body), len(data)))
        body += data + bytes(-len(data) % 4)
    size = offset + len(body)
    header = struct.pack(">I4sI4s4s4s", size, b"none", 0x02100000, b"prtr", b"CMYK", b"Lab ") + bytes(12)
    header += b"acsp" + bytes(24) + struct.pack(">I3i", 0, 63190, 65536, 54061) + bytes(48)
    return header + struct.pack(">I", 3) + b"".join(tags) + body
