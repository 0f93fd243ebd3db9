"""The architecture, as package rules (DESIGN.md): imports run one way, from the command line
down to the pure core, and the core does no I/O of its own."""
from __future__ import annotations

import ast
from pathlib import Path

import newsgen

PACKAGE = Path(newsgen.__file__).parent
MAY_IMPORT = {
    "core": {"core"},
    "theme": set(),
    "io": {"core", "io", "theme"},
    "incremental": {"core", "io", "incremental"},
    "pipeline": {"core", "io", "incremental", "pipeline"},
    "preview": {"core", "io", "incremental", "pipeline", "preview"},
    "deploy": {"core", "io", "deploy"},
    "starter": {"core"},
    "cli": {"core", "io", "incremental", "pipeline", "preview", "deploy", "starter", "theme", "cli"},
    "__main__": {"cli"},
    "__init__": set(),
}
"""Each part of newsgen (a package, or a top-level module) and what it may import."""


def part_of(path: Path) -> str:
    """``core`` for ``core/site.py``, ``__main__`` for ``__main__.py``."""
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """Each newsgen module *path* imports (dotted, below ``newsgen.``) and the names it takes."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "newsgen":
            names = [alias.name for alias in node.names]
            if node.module == "newsgen":
                found += [(name, []) for name in names]
            else:
                found.append((node.module.removeprefix("newsgen."), names))
        elif isinstance(node, ast.Import):
            found += [(a.name.removeprefix("newsgen."), []) for a in node.names if a.name.startswith("newsgen.")]
    return found


def sources() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_module_belongs_to_a_known_part() -> None:
    assert {part_of(path) for path in sources()} <= MAY_IMPORT.keys()


def test_imports_only_point_down_the_packages() -> None:
    upward = [
        f"{path.relative_to(PACKAGE)} ({part_of(path)}) imports newsgen.{module}"
        for path in sources()
        for module, _ in imports(path)
        if module.split(".")[0] not in MAY_IMPORT[part_of(path)] | ({"__version__"} if part_of(path) == "cli" else set())
    ]
    assert upward == []


def test_no_module_takes_another_module_s_private_names() -> None:
    private = [
        f"{path.relative_to(PACKAGE)} takes {name} from newsgen.{module}"
        for path in sources()
        for module, names in imports(path)
        for name in names
        if name.startswith("_")
    ]
    assert private == []


def test_the_core_does_no_io_of_its_own() -> None:
    """Only io, incremental, preview, the pipeline and the command line touch the disk,
    the clock or the environment."""
    offenders = []
    for path in (PACKAGE / "core").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("open(", ".write_", ".read_bytes(", ".read_text(", "os.environ", "datetime.now", "time.time(", "subprocess"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_the_core_decodes_no_image() -> None:
    """Pillow (decoding, encoding) is I/O's: the core plans pictures from their inspected sizes."""
    offenders = [
        path.name
        for path in (PACKAGE / "core").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, (ast.Import, ast.ImportFrom))
        and any(name.split(".")[0] == "PIL" for name in ([node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]))
    ]
    assert offenders == []
