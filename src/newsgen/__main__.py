"""`python -m newsgen` runs the command line."""
from __future__ import annotations

from newsgen.cli import run

run()
