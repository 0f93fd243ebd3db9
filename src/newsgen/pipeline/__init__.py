"""The build: gather → plan → write → remember.

1. gather: read, parse and check every source (`newsgen.incremental.inputs`); any problem
   stops the build before a byte is written;
2. plan: every output file keyed by what it reads, made afresh (`newsgen.core.catalogue`)
   or, after edits and additions, from the last plan (`newsgen.incremental.replan`);
3. write: only the files whose key changed (`newsgen.io.publish`), so a failed build
   leaves the old site byte for byte;
4. remember: what the next build needs, in ``.newsgen-cache/`` (`newsgen.incremental.remember`).

``newsgen serve`` runs `gather` itself and keeps the last plan in memory. `gathering`
reads and plans, `building` writes and remembers.
"""
from newsgen.core.options import BuildOptions, BuildResult
from newsgen.pipeline.building import build, check
from newsgen.pipeline.gathering import Gathered, collector_paused, gather

__all__ = ["BuildOptions", "BuildResult", "Gathered", "build", "check", "collector_paused", "gather"]
