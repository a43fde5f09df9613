"""Temporary files for writing a file atomically (write beside it, then rename over it), and the removal of
those a killed process left behind. Shared by the exports (`scoring/`, `reports/`) and the read copy
(`warehouse/`)."""

from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path


def process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill would terminate it there; a file or run of a live process is left alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def temporary_beside(path: Path, suffix: str = "") -> Path:
    """A new empty file `.NAME.PID.XXXX<suffix>` beside `path`, to be renamed over it.

    A process killed between writing and renaming leaves its temporary file behind, which the officer
    would then find beside the exports (a copy of the warehouse for the read copy): those whose process is
    gone are removed first. The process id in the name keeps a live writer's file from being removed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*"):
        pid = stale.name[len(path.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            stale.unlink(missing_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=suffix, dir=path.parent)
    os.close(fd)
    return Path(name)
