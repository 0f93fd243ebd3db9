"""Compiled templates kept in the build cache: compiling them is a tenth of a small rebuild."""
from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.bccache


class _CompiledOnDisk(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept in the build cache: compiling them is a tenth of a small
    rebuild. Jinja checks each against its template's source and its own version; a
    damaged file is compiled again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file can raise almost anything while unpickling
            bucket.reset()


def compiled_templates(folder: Path | None) -> jinja2.BytecodeCache | None:
    """Where a build keeps its compiled templates: in the cache *folder*, if any."""
    if folder is None:
        return None
    (folder / "templates").mkdir(parents=True, exist_ok=True)
    return _CompiledOnDisk(str(folder / "templates"))
