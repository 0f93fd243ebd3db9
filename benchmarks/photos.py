"""What publishing photographs costs: per derivative, per megapixel, and for a batch.

    .venv/bin/python benchmarks/photos.py costs  [--repeat 5]
    .venv/bin/python benchmarks/photos.py batch  [--photos 50] [--jobs 2] [--processes]

``costs`` times each step on the sample photographs (static/images/*.jpg, 4000×2667, from
scripts/make-sample-photos): inspecting, decoding (in full, and with JPEG draft), resizing
to each width of the ladder, and encoding each width in each format, with the bytes; the
medians of REPEAT runs, wall and CPU milliseconds (CPU counts AVIF's two threads).

``batch`` publishes PHOTOS lead images (distinct files: the samples with a different tail
after their end marker) into an empty store with ``ensure(jobs=JOBS)``, as a cold build
does, and prints the wall time, the CPU time and the time per photo. ``--processes``
runs the same work in a process pool instead of ``ensure``'s threads, to compare.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image

from newsgen.core.pictures import LADDER, PhotoSet, PhotoText, plan
from newsgen.io.photo_store import MediaStore, ensure
from newsgen.io.photos import REDUCING_GAP, _decode, avif_available, codecs, encode, inspect, make

REPO = Path(__file__).resolve().parent.parent
SAMPLES = sorted((REPO / "static" / "images").glob("*.jpg"))
TEXT = PhotoText(credit="KCNA via KNS/AP", caption="Uma legenda de agência com algumas palavras.", rights="© AP")


def timed(run: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU milliseconds of *repeat* runs, and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        cpu, wall = _cpu(), time.perf_counter()
        result = run()
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, result


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def costs(repeat: int) -> None:
    formats = ("avif", "webp", "jpeg") if avif_available() else ("webp", "jpeg")
    print(f"medians of {repeat}: wall ms / CPU ms (/ KB)")
    for path in SAMPLES:
        data = path.read_bytes()
        source = inspect(path)
        megapixels = source.width * source.height / 1e6
        print(f"\n{path.name}: {source.width}×{source.height}, {megapixels:.1f} MP, {len(data) / 1e6:.2f} MB")
        wall, cpu, _ = timed(lambda: inspect(path), repeat)
        print(f"  inspect (SHA-256, header, decode at 1/8): {wall:.0f} / {cpu:.0f}")
        wall, cpu, _ = timed(lambda: _decode(data, 1.0), repeat)
        print(f"  decode in full, upright, sRGB: {wall:.0f} / {cpu:.0f}")
        wall, cpu, base = timed(lambda: _decode(data, LADDER[-1] / source.width), repeat)
        assert isinstance(base, Image.Image)
        print(f"  decode with draft for {LADDER[-1]} px ({base.width}×{base.height}): {wall:.0f} / {cpu:.0f}")
        for width in LADDER:
            height = round(source.height * width / source.width)
            wall, cpu, copy = timed(lambda: base.resize((width, height), Image.Resampling.LANCZOS,
                                                        reducing_gap=REDUCING_GAP), repeat)
            assert isinstance(copy, Image.Image)
            cells = [f"resize {wall:.0f} / {cpu:.0f}"]
            for fmt in formats:
                wall, cpu, out = timed(lambda: encode(copy, fmt, b""), repeat)  # type: ignore[arg-type]
                cells.append(f"{fmt} {wall:.0f} / {cpu:.0f} / {len(out) / 1000:.0f} KB")  # type: ignore[arg-type]
            print(f"  {width:>5}: " + " | ".join(cells))
        for lead in (False, True):
            photo = plan(path.name, source, TEXT, lead=lead, avif=avif_available())
            wall, cpu, _ = timed(lambda: make(data, source.width, [(r, TEXT) for r in photo.files()],
                                              lambda r, b: None), max(1, repeat // 2))
            kind = "lead image (ladder + 4 crops)" if lead else "ladder only"
            print(f"  whole photo, {kind}, {len(photo.files())} files: {wall:.0f} / {cpu:.0f} "
                  f"= {wall / megapixels:.0f} / {cpu / megapixels:.0f} per megapixel")


def batch(count: int, jobs: int, processes: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="newsgen-photos-") as scratch:
        root = Path(scratch)
        photos: list[tuple[Path, PhotoSet]] = []
        for n in range(count):
            sample = SAMPLES[n % len(SAMPLES)]
            file = root / f"{n:04d}-{sample.name}"
            file.write_bytes(sample.read_bytes() + f"photo {n}".encode())  # after EOI: same pixels, new digest
            photos.append((file, plan(file.name, inspect(file), TEXT, lead=True, avif=avif_available())))
        store = MediaStore(root / "store")
        cpu, wall = _cpu_all(), time.perf_counter()
        if processes:
            with ProcessPoolExecutor(jobs) as pool:
                made = sum(pool.map(_make_into, [(str(store.root), str(f), p) for f, p in photos]))
        else:
            made = ensure(store, photos, jobs=jobs).files
        wall, cpu = time.perf_counter() - wall, _cpu_all() - cpu
        size = sum(p.stat().st_size for p in store.root.iterdir())
        how = f"{jobs} processes" if processes else f"jobs={jobs} (threads)"
        print(f"{count} photos, {made} files, {size / 1e6:.0f} MB, {how}: {wall:.1f} s wall, {cpu:.1f} s CPU; "
              f"{wall / count * 1000:.0f} ms wall a photo → {wall / count * 1000 / 60:.1f} min for 1,000")


def _make_into(job: tuple[str, str, PhotoSet]) -> int:
    root, file, photo = job
    store = MediaStore(Path(root))
    store.root.mkdir(parents=True, exist_ok=True)
    return make(Path(file).read_bytes(), photo.source.width, [(r, photo.text) for r in photo.files()],
                lambda r, b: store.write(r.name, b))


def _cpu_all() -> float:
    mine, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    verbs.add_parser("costs").add_argument("--repeat", type=int, default=5)
    p = verbs.add_parser("batch")
    p.add_argument("--photos", type=int, default=50)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--processes", action="store_true")
    args = parser.parse_args()
    if not SAMPLES:
        print("no static/images/*.jpg: run scripts/make-sample-photos first", file=sys.stderr)
        return 2
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {codecs()}")
    if args.verb == "costs":
        costs(args.repeat)
    else:
        batch(args.photos, args.jobs, args.processes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
