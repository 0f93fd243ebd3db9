"""Imports run one way: a module imports only from layers below it (DESIGN.md)."""
from __future__ import annotations

import ast
from pathlib import Path

import newsgen

PACKAGE = Path(newsgen.__file__).parent
LAYERS = {
    "__init__": 0, "errors": 0, "models": 0, "planned": 0, "urls": 0, "options": 1,
    "yamldoc": 1, "typography": 1, "localized": 1,
    "config": 2, "markup": 2, "related": 2,
    "parse": 3, "site": 3,
    "structured": 3, "xmltext": 3,
    "render": 4, "scaffold": 4, "feeds": 4, "sitemaps": 4,
    "scanning": 5, "search": 5, "media": 5, "output": 5, "watch": 5, "preview": 5, "outline": 5,
    "cache": 6,
    "sources": 7,
    "planning": 8,
    "build": 9,
    "serve": 10,
    "cli": 11,
    "__main__": 12,
    # The first packages of DESIGN.md's layout (the photo engine): pure values, then I/O.
    "core": 0, "io": 5,
}


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("newsgen"):
            if node.module == "newsgen":
                found.update(alias.name for alias in node.names)
            else:
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("newsgen."))
    return found


def test_every_module_has_a_layer() -> None:
    assert {p.stem for p in PACKAGE.glob("*.py")} <= set(LAYERS)


def test_imports_only_point_downward() -> None:
    upward = [
        f"{path.stem} (layer {LAYERS[path.stem]}) imports {name} (layer {LAYERS[name]})"
        for path in sorted(PACKAGE.glob("*.py"))
        for name in sorted(imported_modules(path))
        if LAYERS[name] >= LAYERS[path.stem]
    ]
    assert upward == []


def test_the_core_does_no_io_of_its_own() -> None:
    """Only build and cli (and later serve) touch the disk, the clock or the environment."""
    core = [name for name, layer in LAYERS.items() if layer <= 4]
    offenders = []
    for name in core:
        package = PACKAGE / name
        for path in sorted(package.glob("*.py")) if package.is_dir() else [PACKAGE / f"{name}.py"]:
            text = path.read_text(encoding="utf-8")
            for needle in ("open(", ".write_", ".read_bytes(", ".read_text(", "os.environ", "datetime.now", "time.time("):
                if needle in text:
                    offenders.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert offenders == []
