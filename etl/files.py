"""Files in a watched folder (HR exports, edXML packages): listed flat, hashed only when new.

Connectors treat the folder as read-only and recognise a file by the SHA-256 of its content; a
(name, size, mtime) → SHA-256 cache from earlier runs keeps daily runs from re-reading every file
(sources.md §3.7, §5.1). Names and sizes come from outside: a name is kept as text that any log, JSON
document or database can hold, and a file over the size limit is never read, not even to hash it.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 1 << 20

CacheKey = tuple[str, int, float]

# Marks the stand-in for the content hash of a file that was not read (over the size limit, or not
# readable): a digest of its name, size and mtime, so that it is not looked at again until one changes.
UNREAD_PREFIX = "unread:"


@dataclass(frozen=True)
class FolderFile:
    name: str  # `display_name` of the name on disk
    path: Path
    size: int
    modified_at: float  # POSIX seconds
    sha256: str  # of the content, or UNREAD_PREFIX + a digest of (name, size, mtime)
    readable: bool = True  # False when the file could not be opened to hash it (permissions, vanished)

    @property
    def cache_key(self) -> CacheKey:
        return (self.name, self.size, self.modified_at)


def display_name(name: str) -> str:
    """The name as printable text, one to one: bytes that are not UTF-8 (kept by Python as lone
    surrogates) become `\\xNN`, control and other unprintable characters `\\xNN`/`\\uNNNN`, and a
    backslash is doubled, so that two names never share a representation."""
    out = []
    for char in name:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif 0xDC80 <= code <= 0xDCFF:  # an undecodable byte under the surrogateescape handler
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char == " " or char.isprintable():
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "".join(out)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _unread_fingerprint(name: str, size: int, modified_at: float) -> str:
    identity = f"{name}\x00{size}\x00{modified_at!r}".encode()
    return UNREAD_PREFIX + hashlib.sha256(identity).hexdigest()


def list_folder(
    folder: Path, cache: Mapping[CacheKey, str], max_bytes: int | None = None
) -> list[FolderFile]:
    """Regular files directly in `folder`, sorted by name; subfolders and links are not followed. A file
    over `max_bytes`, or one that cannot be opened, is listed with a stand-in for its hash, unread."""
    files = []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        try:
            if entry.is_symlink() or not entry.is_file():
                continue
            status = entry.stat()
        except OSError:  # gone since the folder was listed
            continue
        name = display_name(entry.name)
        key = (name, status.st_size, status.st_mtime)
        readable = True
        sha256 = cache.get(key)
        if max_bytes is not None and status.st_size > max_bytes:
            sha256 = _unread_fingerprint(*key)
        elif sha256 is None or sha256.startswith(UNREAD_PREFIX):
            try:
                sha256 = sha256_of(entry)
            except OSError:
                sha256, readable = _unread_fingerprint(*key), False
        files.append(FolderFile(name, entry, status.st_size, status.st_mtime, sha256, readable))
    return files
