"""Files the pipeline writes hold personal data (raw, staging and quarantine in the warehouse file) and the
run history: only the user who runs the pipeline may read them (issue 10). The read copy that analysts open
gets its own mode where it is published."""

from __future__ import annotations

import os
from pathlib import Path

# New files 0600, new folders 0700.
PRIVATE_UMASK = 0o077


def create_private_files() -> None:
    """Every file and folder this process creates from now on is its user's alone."""
    os.umask(PRIVATE_UMASK)


def make_private(path: Path) -> None:
    """Takes group and other access away from a file or folder of this user's, made before the umask
    applied (an earlier release wrote 0644)."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_uid == os.getuid() and status.st_mode & 0o077:
        path.chmod(status.st_mode & 0o700)
