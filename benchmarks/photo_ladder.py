"""Which width ladder? The bytes readers download against the cost of encoding each rung.

    .venv/bin/python benchmarks/photo_ladder.py [--step 40]

1. Measures the bytes of the sample photographs (static/images/*.jpg) at every STEP px
   from 120 to 2080, in each format with newsgen's settings (and the CPU time of each).
2. For every placement of the theme (sizes from site.css, as in core/picture_html.py) and
   a mix of devices (phones at 360-430 px and 2-3x, tablets, laptops and desktops at
   1-2x), finds the copy a browser picks from each candidate ladder: Chromium's rule
   (html_srcset_parser.cc: the candidate below when the screen's density is under the
   geometric mean of the two around it) for 70% of readers, the next larger copy for 30%.
3. Prints, for each ladder, the AVIF bytes of a page view against an ideal that has a copy
   at exactly the needed width (capped at 1472 px, the widest slot at 2x), the share of
   copies 20% or more narrower than needed, and the CPU time and bytes to make and store
   one photo's ladder in the three formats.

The device shares and page mix are assumptions, stated below; change them and rerun.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from newsgen.io.photos import _decode, encode

SAMPLES = sorted((Path(__file__).resolve().parent.parent / "static" / "images").glob("*.jpg"))
FORMATS = ("avif", "webp", "jpeg")
IDEAL_CAP = 1472

# (CSS width, device pixel ratio, share of page views)
DEVICES = [(360, 3, .12), (375, 2, .10), (390, 3, .15), (393, 2.75, .08), (412, 2.625, .10), (430, 3, .10),
           (768, 2, .03), (820, 2, .02), (1024, 2, .02),
           (1280, 1, .04), (1366, 1, .04), (1440, 2, .06), (1536, 1.25, .05), (1920, 1, .07), (1728, 2, .02)]


# The displayed CSS width of each placement at a viewport width v (site.css; see picture_html.SIZES).
def _content(v: float) -> float:
    return min(v - 48, 1152)


PLACEMENTS: dict[str, Callable[[float], float]] = {
    "lead": lambda v: v - 32 if v < 640 else min(v - 48, 736),
    "front-lead": lambda v: v if v < 640 else (_content(v) if v < 896 else (_content(v) - 32) * 0.6),
    "card": lambda v: 104 if v < 640 else ((_content(v) - 24) / 2 if v < 1024 else (_content(v) - 48) / 3),
    "related": lambda v: 104 if v < 640 else ((_content(v) - 24) / 2 if v < 1024 else (_content(v) - 72) / 4),
    "thumb": lambda v: 88 if v < 640 else 160,
}
# (share of page views, [(placement, images on the page)])
PAGES = {"article": (.70, [("lead", 1), ("related", 4)]), "front": (.25, [("front-lead", 1), ("card", 6)]),
         "list": (.05, [("thumb", 20)])}
LADDERS = [
    (360, 480, 720, 1080, 1440, 2048),  # the example
    (360, 480, 720, 1080, 1440),
    (240, 360, 480, 720, 1080, 1440),
    (320, 640, 960, 1440),
    (280, 400, 640, 960, 1440),
    (240, 320, 480, 640, 960, 1440),  # chosen
    (200, 280, 400, 640, 960, 1440),
    (240, 360, 540, 720, 960, 1440),
    (240, 360, 480, 720, 960, 1200, 1440),
    (200, 400, 600, 800, 1000, 1200, 1500),
]

Curve = dict[str, list[tuple[int, float, float]]]  # format → [(width, bytes, CPU seconds)]


def measure(step: int) -> Curve:
    curve: Curve = {fmt: [] for fmt in FORMATS}
    bases = [_decode(path.read_bytes(), 0.52) for path in SAMPLES]
    for width in range(120, 2081, step):
        for fmt in FORMATS:
            sizes, times = [], []
            for base in bases:
                copy = base.resize((width, round(base.height * width / base.width)), Image.Resampling.LANCZOS)
                start = time.process_time()
                sizes.append(len(encode(copy, fmt, b"")))  # type: ignore[arg-type]
                times.append(time.process_time() - start)
            curve[fmt].append((width, sum(sizes) / len(sizes), sum(times) / len(times)))
    return curve


def at(curve: Curve, fmt: str, width: float, column: int = 1) -> float:
    """Interpolated bytes (column 1) or CPU seconds (column 2) at *width*."""
    points = curve[fmt]
    if width <= points[0][0]:
        return points[0][column] * (width / points[0][0]) ** 2
    for low, high in zip(points, points[1:]):
        if low[0] <= width <= high[0]:
            return low[column] + (high[column] - low[column]) * (width - low[0]) / (high[0] - low[0])
    return points[-1][column] * (width / points[-1][0]) ** 2


def chromium(ladder: tuple[int, ...], css: float, dpr: float) -> int:
    density = [w / css for w in ladder]
    for i in range(len(ladder) - 1):
        if density[i + 1] < dpr:
            continue
        if (dpr <= 1 and dpr > density[i]) or dpr >= math.sqrt(density[i] * density[i + 1]):
            return ladder[i + 1]
        return ladder[i]
    return ladder[-1]


def larger(ladder: tuple[int, ...], need: float) -> int:
    return next((w for w in ladder if w >= need), ladder[-1])


def evaluate(curve: Curve, ladder: tuple[int, ...]) -> tuple[float, float, float, float, float]:
    got = ideal = short = total = 0.0
    for share, items in PAGES.values():
        for placement, count in items:
            for viewport, dpr, device in DEVICES:
                css = PLACEMENTS[placement](viewport)
                need = min(css * dpr, IDEAL_CAP)
                for browser, weight in ((chromium(ladder, css, dpr), .7), (larger(ladder, css * dpr), .3)):
                    w = share * device * weight
                    got += w * count * at(curve, "avif", browser)
                    ideal += w * count * at(curve, "avif", need)
                    short += w * count * (browser < need * 0.8)
                    total += w * count
    cpu = sum(at(curve, fmt, width, 2) for width in ladder for fmt in FORMATS)
    stored = sum(at(curve, fmt, width) for width in ladder for fmt in FORMATS)
    return got / ideal - 1, got / sum(share for share, _ in PAGES.values()), short / total, cpu, stored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--step", type=int, default=40)
    args = parser.parse_args()
    if not SAMPLES:
        print("no static/images/*.jpg: run scripts/make-sample-photos first", file=sys.stderr)
        return 2
    curve = measure(args.step)
    print("KB per width (mean of the samples):")
    for fmt in FORMATS:
        print(f"  {fmt:5}", " ".join(f"{w}:{b / 1000:.0f}" for w, b, _ in curve[fmt] if w in (240, 320, 480, 640, 960, 1440, 2000)))
    print(f"\n{'ladder':40} {'vs ideal':>8} {'KB/view':>8} {'short':>6} {'CPU ms':>7} {'stored KB':>9}")
    for ladder in LADDERS:
        over, view, short, cpu, stored = evaluate(curve, ladder)
        print(f"{' '.join(map(str, ladder)):40} {over * 100:+7.1f}% {view / 1000:8.0f} {short * 100:5.1f}% "
              f"{cpu * 1000:7.0f} {stored / 1000:9.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
