"""Files in a watched folder (HR exports, edXML packages): listed flat, hashed only when new.

Connectors treat the folder as read-only and recognise a file by the SHA-256 of its content; a
(name, size, mtime) → SHA-256 cache from earlier runs keeps daily runs from re-reading every file
(sources.md §3.7, §5.1)."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20

CacheKey = tuple[str, int, float]


@dataclass(frozen=True)
class FolderFile:
    name: str
    path: Path
    size: int
    modified_at: float  # POSIX seconds
    sha256: str

    @property
    def cache_key(self) -> CacheKey:
        return (self.name, self.size, self.modified_at)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def list_folder(folder: Path, cache: Mapping[CacheKey, str]) -> list[FolderFile]:
    """Regular files directly in `folder`, sorted by name; subfolders and links are not followed."""
    files = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.is_symlink() or not entry.is_file():
            continue
        status = entry.stat()
        key = (entry.name, status.st_size, status.st_mtime)
        sha256 = cache.get(key) or sha256_of(entry)
        files.append(FolderFile(entry.name, entry, status.st_size, status.st_mtime, sha256))
    return files
