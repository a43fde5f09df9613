"""An export file rewritten only when what goes into it changed: a fingerprint of its inputs is kept beside
it, in a hidden file `.NAME.inputs`, with the size and modification time the file had when it was written.

The file is written again when its inputs differ (data, catalogue files, as-of time, export date, anything
passed to the writer), when the code that writes it differs (the fingerprint includes the source of the
packages that shape export files and the version of openpyxl), and when the file is missing or is not the
one written then (an officer edited, replaced or removed it). So the files always follow the data; only an
identical rewrite is skipped."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import openpyxl

from parindex_facts.files import temporary_beside

_PACKAGES = ("scoring", "parindex_facts")
_ROOT = Path(__file__).resolve().parents[1]


@cache
def _writer_digest() -> bytes:
    """The source of the packages that lay export files out, and openpyxl's version."""
    digest = hashlib.sha256(openpyxl.__version__.encode())
    for package in _PACKAGES:
        for source in sorted((_ROOT / package).rglob("*.py")):
            digest.update(str(source.relative_to(_ROOT)).encode())
            digest.update(source.read_bytes())
    return digest.digest()


def file_digests(paths: Iterable[Path]) -> tuple[str, ...]:
    """The SHA-256 of each file's bytes (catalogue files, whose every field may end up in an export)."""
    return tuple(hashlib.sha256(Path(path).read_bytes()).hexdigest() for path in paths)


def fingerprint(inputs: object) -> str:
    """SHA-256 of the writer's code and of `repr(inputs)`: plain values (str, int, Decimal, date, datetime,
    None) in lists, tuples and dicts, whose repr is stable from one process to the next."""
    digest = hashlib.sha256(_writer_digest())
    digest.update(repr(inputs).encode("utf-8"))
    return digest.hexdigest()


def _record_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.inputs")


def _record_of(path: Path, inputs: str) -> dict:
    written = path.stat()
    return {"inputs": inputs, "size": written.st_size, "mtime_ns": written.st_mtime_ns}


def is_current(path: Path, inputs: str) -> bool:
    """Whether `path` is the file written from `inputs` and left as written."""
    try:
        recorded = json.loads(_record_path(path).read_text(encoding="utf-8"))
        return recorded == _record_of(path, inputs)
    except (OSError, ValueError):
        return False


def write_if_changed(path: Path, inputs: object, write: Callable[[], Path]) -> bool:
    """Calls `write` (which writes `path`) unless `path` is current for `inputs`; True when it wrote. The
    record is replaced after the file, so a write killed in between leaves a record that no longer matches
    and the next run writes the file again."""
    key = fingerprint(inputs)
    if is_current(path, key):
        return False
    record = _record_path(path)
    record.unlink(missing_ok=True)
    write()
    temporary = temporary_beside(record, suffix=".tmp")
    try:
        Path(temporary).write_text(json.dumps(_record_of(path, key)), encoding="utf-8")
        os.replace(temporary, record)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True
