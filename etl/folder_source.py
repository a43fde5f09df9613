"""What the sources read from a folder (HR exports, edXML packages) share: the registry of processed files,
which is their cursor (a file whose content was loaded or quarantined for good is not read again)."""

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Protocol

from etl.source import Landing, Source


class FileRegistry(Protocol):
    """The registry of processed files of one source, kept in the warehouse; assets/ builds it."""

    def file_cache(self) -> Mapping:
        """Content hashes of the files seen before, by (name, size, modification time)."""
        ...

    def done_hashes(self) -> set[str]:
        """Contents loaded or quarantined for good."""
        ...

    def record_files(self, rows: Iterable[Mapping]) -> None: ...


def registry_row(outcome, batch_id: str) -> dict:
    """The registry's row for a file's outcome (any outcome with `file`, `status` and `reason_code`)."""
    file = outcome.file
    return {
        "file_name": file.name,
        "size_bytes": file.size,
        "modified_at": file.modified_at,
        "sha256": file.sha256,
        "status": outcome.status,
        "reason_code": outcome.reason_code,
        "batch_id": batch_id,
    }


def file_of(locator: object) -> str:
    """The file a held record's locator names (`name#where in it`)."""
    return str(locator).split("#", 1)[0]


class FolderSource(Source):
    """A folder read file by file: the files of each batch are recorded in the registry once it has
    landed; `follow_up(batch_id)` is the source's warehouse step once the whole folder has landed."""

    def __init__(
        self,
        folder: Path,
        registry: FileRegistry,
        full_refresh: bool,
        follow_up: Callable[[str], Mapping[str, int]],
    ):
        self.folder = folder
        self.registry = registry
        self.full_refresh = full_refresh
        self.follow_up = follow_up

    def processed(self) -> set[str]:
        """The contents not to read again (none on a full refresh)."""
        return set() if self.full_refresh else self.registry.done_hashes()

    def record(self, landing: Landing, batch_id: str) -> None:
        self.registry.record_files([registry_row(outcome, batch_id) for outcome in landing.files])
