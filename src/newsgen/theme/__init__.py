"""The built-in theme: templates and static files, overridable file by file."""
from __future__ import annotations

from pathlib import Path

THEME = Path(__file__).parent
