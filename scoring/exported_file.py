"""The last step of writing an export atomically (`parindex_facts.files.temporary_beside`, then this)."""

from __future__ import annotations

import os
from pathlib import Path


def move_into_place(tmp_name: Path, path: Path) -> None:
    """Renames the finished temporary file over `path`. mkstemp made it private; an export is meant to be
    shared like any file the user writes, so it gets the mode the user's umask gives a new file."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_name, 0o666 & ~umask)
    os.replace(tmp_name, path)
