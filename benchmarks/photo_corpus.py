"""A site with a photograph on every article: the cold build, adding one, replacing one.

    .venv/bin/python benchmarks/photo_corpus.py WORK [--articles 1000] [--jobs 2] [--bench ../shared/bench]

Generates the bench's corpus (``gen_corpus.py``, seed 42) of ARTICLES articles into
WORK/site and gives every article one lead photograph of its own, 4000×2667:
``static/images/foto-NNNN.jpg``, made from the two sample photographs (static/images/, from
scripts/make-sample-photos) by changing eight pixels per copy and saving it again at JPEG
q85 with the sample's EXIF (camera serials, GPS, and Orientation=6 on the harbour), so
that every photo has its own pixels and its own source hash. An article's other images
are dropped; the alt, caption and credit of its first one are kept.

Then, timing each ``newsgen build --no-search --jobs JOBS`` (wall, the CPU time of the
build and its workers, the largest process's peak RSS, and what was encoded):

1. the cold build, into an empty cache;
2. a no-op build;
3. one new article with a new 4000×2667 lead photograph;
4. one article's photograph replaced (the same file name, other pixels).

Prints a Markdown table, with the store's size (``.newsgen-cache/media/``), the published
copies' (``build/media/``) and the load average before and after each build. WORK is
reused: the photos are made once. ``--warm`` skips the cold build (keeps the last run's
cache); ``--rounds N`` adds and replaces N times, going back to the generated site between.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted((REPO / "static" / "images").glob("*.jpg"))
NEWSGEN = REPO / ".venv" / "bin" / "newsgen"
IMAGES_BLOCK = re.compile(r"^images:\n(?:[ -].*\n)*", re.MULTILINE)


def make_photos(folder: Path, count: int, start: int = 0) -> list[Path]:
    """*count* distinct 4000×2667 JPEGs, alternating the two samples, numbered from *start*."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = []
    for sample in SAMPLES:
        with Image.open(sample) as image:
            image.load()
            sources.append((image.copy(), image.info["exif"]))
    made = []
    for n in range(start, start + count):
        path = folder / f"foto-{n:04d}.jpg"
        made.append(path)
        if path.exists():
            continue
        base, exif = sources[n % len(sources)]
        copy = base.copy()
        for k in range(8):  # eight pixels, placed and coloured by n: a different picture each time
            x, y = (n * 7919 + k * 104729) % copy.width, (n * 6007 + k * 1299709) % copy.height
            copy.putpixel((x, y), ((n * 37 + k) % 256, (n * 101) % 256, (n * 53 + k * 11) % 256))
        partial = path.with_suffix(".part")
        copy.save(partial, "JPEG", quality=85, subsampling="4:2:0", exif=exif)
        partial.rename(path)
    return made


def lead_block(n: int, old: str | None) -> str:
    """The front matter's ``images:`` with one photo, keeping *old*'s alt, caption and credit."""
    alt = caption = credit = None
    if old:
        alt = re.search(r"^\s+alt: (.*)$", old, re.MULTILINE)
        caption = re.search(r"^\s+caption: (.*)$", old, re.MULTILINE)
        credit = re.search(r"^\s+credit: (.*)$", old, re.MULTILINE)
    alt_text = alt.group(1) if alt else '"Fotografia de agência"'
    caption_text = caption.group(1) if caption else '"Imagem de arquivo."'
    credit_text = credit.group(1) if credit else '"Lusa"'
    return (f"images:\n  - src: images/foto-{n:04d}.jpg\n    alt: {alt_text}\n"
            f"    caption: {caption_text}\n    credit: {credit_text}\n")


def with_lead(text: str, n: int) -> str:
    """An article's text with one lead photograph, foto-n, instead of its images."""
    head, rest = text[4:].split("\n---\n", 1)
    head += "\n"
    old = IMAGES_BLOCK.search(head)
    head = IMAGES_BLOCK.sub("", head) if old else head
    return "---\n" + head + lead_block(n, old.group(0) if old else None) + "---\n" + rest


def make_site(work: Path, articles: int, bench: Path) -> Path:
    site = work / "site"
    if (site / "newsgen.yaml").exists():
        return site
    tmp = work / "site.part"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run([sys.executable, str(bench / "gen_corpus.py"), str(tmp), "--articles", str(articles),
                    "--format", "newsgen", "--force"], check=True, stdout=subprocess.DEVNULL)
    started = time.perf_counter()
    make_photos(tmp / "static" / "images", articles)
    print(f"made {articles} photos in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    for n, path in enumerate(sorted((tmp / "content").rglob("*.md"))):
        path.write_text(with_lead(path.read_text(encoding="utf-8"), n), encoding="utf-8")
    shutil.copyfile(tmp / "static" / "images" / "foto-0000.jpg", work / "foto-0000.jpg")  # restored by each run
    tmp.rename(site)
    return site


def build(site: Path, jobs: int) -> dict[str, float | str]:
    """One ``newsgen build``: wall s, CPU s (the build and the workers it waited for),
    peak RSS MB (the largest process), files made in the store, its size, load averages."""
    media = site / ".newsgen-cache" / "media"
    before = set(os.listdir(media)) if media.exists() else set()
    load = os.getloadavg()[0]
    log = site.parent / "build.log"
    started = time.perf_counter()
    timing = site.parent / "build.time"
    with log.open("w") as out:
        # /usr/bin/time, not wait4() here: a child forked from this process would count
        # this process's memory (the decoded samples) in its peak RSS.
        status = subprocess.call(["/usr/bin/time", "-o", str(timing), "-f", "%U %S %M", str(NEWSGEN), "-C",
                                  str(site), "build", "--no-search", "--progress", "-j", str(jobs)],
                                 stdout=out, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - started
    text = log.read_text(encoding="utf-8")
    if status:
        print(text, file=sys.stderr)
        raise SystemExit(f"build failed ({status})")
    user, system, rss_kb = timing.read_text().split()[-3:]
    output = site / "build" / "media"
    after = set(os.listdir(media))
    size = sum((media / name).stat().st_size for name in after)
    return {"wall": wall, "cpu": float(user) + float(system), "rss": int(rss_kb) / 1024,
            "published_mb": sum(p.stat().st_size for p in output.iterdir()) / 1e6 if output.exists() else 0.0,
            "made": len(after - before), "dropped": len(before - after), "store_mb": size / 1e6,
            "store_files": len(after), "load": load, "load_after": os.getloadavg()[0],
            "tail": text.strip().splitlines()[-1] if text.strip() else ""}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--bench", type=Path, default=REPO.parent.parent / "shared" / "bench")
    parser.add_argument("--warm", action="store_true",
                        help="keep the cache of the last run: no cold build, only the incremental ones")
    parser.add_argument("--rounds", type=int, default=1, help="times to add one and replace one (default 1)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    site = make_site(args.work, args.articles, args.bench)
    n = args.articles
    added = site / "content" / "mundo" / "2026-09-01-uma-nova-fotografia.md"
    target = site / "static" / "images" / "foto-0000.jpg"
    pristine = args.work / "foto-0000.jpg"
    new_photo = site / "static" / "images" / f"foto-{n:04d}.jpg"
    rows = []
    for round in range(args.rounds):
        if round or args.warm:  # back to the generated site: foto-0000 restored, the new article gone
            added.unlink(missing_ok=True)
            new_photo.unlink(missing_ok=True)
            shutil.copyfile(pristine, target)
            rows.append(("back to the generated site", build(site, args.jobs)))
        else:
            added.unlink(missing_ok=True)  # a second run starts from the generated site again
            new_photo.unlink(missing_ok=True)
            shutil.copyfile(pristine, target)
            shutil.rmtree(site / ".newsgen-cache", ignore_errors=True)
            shutil.rmtree(site / "build", ignore_errors=True)
            rows += [("cold", build(site, args.jobs)), ("no-op", build(site, args.jobs))]

        make_photos(site / "static" / "images", 1, start=n)
        added.write_text(
            f'---\nheadline: "Uma nova fotografia"\nstandfirst: "Um artigo novo com uma fotografia nova."\n'
            f"section: mundo\ntimestamp: 2026-09-01T10:00:00+01:00\nhashtags: [Ucrânia]\n"
            f"{lead_block(n, None)}---\nTexto.\n", encoding="utf-8")
        rows.append(("add an article with a new photo", build(site, args.jobs)))

        replacement = make_photos(args.work / "replacement", 1, start=n + 1)[0]
        shutil.copyfile(replacement, target)
        rows.append(("replace one photo (same file name)", build(site, args.jobs)))

    print(f"\n{n} articles, a 4000×2667 photo each, --jobs {args.jobs}, {os.cpu_count()} CPUs\n")
    print("| build | wall s | CPU s | peak RSS MB | files encoded | files dropped | store MB | store files | build/media MB | load before / after |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, r in rows:
        print(f"| {name} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss']:.0f} | {r['made']} | {r['dropped']} | "
              f"{r['store_mb']:.0f} | {r['store_files']} | {r['published_mb']:.0f} | {r['load']:.1f} / {r['load_after']:.1f} |")
    for name, r in rows:
        print(f"{name}: {r['tail']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
