"""What the sources read from a folder (HR exports, edXML packages) share: the registry of processed files,
which is their cursor (a file whose content was loaded or quarantined for good is not read again)."""

from collections.abc import Iterable, Mapping
from typing import Protocol


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
