"""edXML packages of the watched folder (sources.md §3.7) to batches, with an outcome per file."""

import logging
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import orjson
import pyarrow as pa

from etl.batch import ExtractBatch
from etl.files import FolderFile
from etl.normalise import QUARANTINE_SCHEMA, normalise
from etl.privacy import Privacy
from etl.qlvb.context import QlvbContext
from etl.qlvb.edxml import MAX_FILE_BYTES, UNREADABLE_FILE, PackageRejected, read_package
from etl.qlvb.entities import EDXML, PRIVACY, SOURCE, edxml_spec
from etl.qlvb.normalise import split_children
from etl.text import clean_code

log = logging.getLogger(__name__)

EXTENSION = ".edxml"
LOADED, QUARANTINED, RETRY = "loaded", "quarantined", "retry"


class FileOutcome(NamedTuple):
    file: FolderFile
    status: str  # LOADED, QUARANTINED (done for good) or RETRY (read again next run: unknown_agency)
    reason_code: str | None  # why the whole file was rejected


def is_package_name(name: str) -> bool:
    """Only `.edxml` files are read (case-insensitive); `.part` files and others are ignored."""
    return name.lower().endswith(EXTENSION)


def package_key(natural_key: str | None, file_hash: str) -> str | None:
    """The key of a package's row: the document's natural key, then its file's content hash (16 hex
    characters), so that the packages of one document (the original, an update, a recall) stay apart."""
    return None if natural_key is None else f"{natural_key}#{file_hash[:16]}"


class _Group:
    """The files of one batch as they are read: their rows to normalise together (one set of Arrow tables
    per batch, not per file: building them costs more than normalising a package), the quarantine rows of
    files rejected whole, and each file's outcome once the group is normalised."""

    def __init__(self):
        self.items: list[tuple[str, dict]] = []
        self.file_of_item: dict[str, FolderFile] = {}  # item locator → its file
        self.rejected: list[dict] = []
        self.files: list[tuple[FolderFile, FileOutcome | None]] = []  # None: decided by normalisation

    def __len__(self) -> int:
        return len(self.files)


class EdxmlReader:
    # Packages are small (a header of a few kilobytes): 5,000 files make a batch of about 5,500 rows, whose
    # landing costs little more than one of 500 files did (province: 9.8 → 6.8 CPU s for the folder).
    def __init__(self, context: QlvbContext, max_bytes: int = MAX_FILE_BYTES, files_per_batch: int = 5_000):
        self.context = context
        self.max_bytes = max_bytes
        self.files_per_batch = files_per_batch
        self._privacy = Privacy(context.pseudonym_key)
        self._spec = edxml_spec(context)
        self._fetch_seq = 0

    def read(self, files: Iterable[FolderFile]) -> Iterator[tuple[ExtractBatch, list[FileOutcome]]]:
        """One batch per `files_per_batch` package files, with the outcome of each file in it."""
        group = _Group()
        for file in files:
            if not is_package_name(file.name):
                log.info("edXML folder: %s is not a .edxml file and is ignored", file.name)
                continue
            self._read_file(file, group)
            if len(group) >= self.files_per_batch:
                yield self._batch(group)
                group = _Group()
        if len(group):
            yield self._batch(group)

    def _read_file(self, file: FolderFile, group: _Group) -> None:
        """The file's rows into `group`, or its quarantine row and outcome when it is rejected whole."""

        def reject(status: str, reason: str, record: dict | None, field: str | None, detail: str) -> None:
            group.rejected.append(_rejected_row(file, record, reason, field, detail))
            group.files.append((file, FileOutcome(file, status, reason)))

        if not file.readable:  # a matter of permissions, not of content: tried again at every run
            detail = "Không mở được tệp để đọc (quyền truy cập?); sẽ đọc lại ở lần chạy sau"
            return reject(RETRY, UNREADABLE_FILE, None, None, detail)
        try:
            record = self._privacy.apply(read_package(file.path, self.max_bytes), PRIVACY)
        except PackageRejected as exc:
            return reject(QUARANTINED, exc.reason, None, None, exc.detail)
        receivers = [entry.get("OrganId") for entry in record["To"] if isinstance(entry.get("OrganId"), str)]
        receivers = [code for code in receivers if code.strip()]
        if not receivers:
            return reject(QUARANTINED, "missing_required", record, "To", "Thiếu trường bắt buộc To/OrganId")
        agencies: dict[str, str] = {}
        for code in receivers:
            canonical = self.context.agencies.resolve(code)
            if canonical is not None:
                agencies.setdefault(canonical, clean_code(code))
        if not agencies:
            detail = (
                "Không mã đơn vị nhận (To/OrganId) nào có trong bảng đơn vị (cả hai định dạng): "
                + ", ".join(receivers)[:120]
            )
            return reject(RETRY, "unknown_agency", record, "To", detail)
        for canonical, received in agencies.items():
            locator = f"{file.name}#To={canonical}"
            group.items.append((locator, {**record, "MaDonViQuanLy": received}))
            group.file_of_item[locator] = file
        group.files.append((file, None))

    def _batch(self, group: _Group) -> tuple[ExtractBatch, list[FileOutcome]]:
        raw, rows, quarantine = normalise(self._spec, group.items, self._fetch_seq)
        self._fetch_seq += rows.num_rows
        # `normalise` keeps the order of the items, and an item it rejects whole has one quarantine row
        # whose locator is the item's (an array entry's adds `/To[0]`): the items not so rejected are the
        # staged rows, one for one.
        whole = set(quarantine.column("locator").to_pylist())
        raw_locators = raw.column("_locator").to_pylist()
        staged = [locator for locator in raw_locators if locator not in whole]
        item_of = [locator.split("/", 1)[0] for locator in quarantine.column("locator").to_pylist()]
        raw = _with_file_keys(raw, "_key", [group.file_of_item[item] for item in raw_locators])
        rows = _with_file_keys(rows, "_key", [group.file_of_item[item] for item in staged])
        quarantine = _with_file_keys(quarantine, "record_key", [group.file_of_item[item] for item in item_of])
        rows, children = split_children(rows)
        rejected = pa.Table.from_pylist(group.rejected, schema=QUARANTINE_SCHEMA)
        batch = ExtractBatch(SOURCE, EDXML, raw, rows, pa.concat_tables([quarantine, rejected]), children)
        loaded = {group.file_of_item[item].name for item in staged}
        first_reason: dict[str, str] = {}
        for item, reason in zip(item_of, quarantine.column("reason_code").to_pylist(), strict=True):
            first_reason.setdefault(group.file_of_item[item].name, reason)
        outcomes = [
            outcome
            if outcome is not None
            else FileOutcome(file, LOADED, None)
            if file.name in loaded
            else FileOutcome(file, QUARANTINED, first_reason.get(file.name))
            for file, outcome in group.files
        ]
        return batch, outcomes


def _with_file_keys(table: pa.Table, column: str, files: list[FolderFile]) -> pa.Table:
    """`table` with each natural key of `column` ended by its row's file hash (`package_key`)."""
    keys = [
        package_key(key, file.sha256)
        for key, file in zip(table.column(column).to_pylist(), files, strict=True)
    ]
    index = table.schema.get_field_index(column)
    return table.set_column(index, column, pa.array(keys, pa.string()))


def _rejected_row(file: FolderFile, record: dict | None, reason: str, field: str | None, detail: str) -> dict:
    """The quarantine row of a file rejected whole: its key is the file's content hash."""
    shown = record if record is not None else {"file": file.name, "size": file.size}
    return {
        "source": SOURCE,
        "entity": EDXML,
        "record_key": file.sha256,
        "record_version": None,
        "locator": file.name,
        "field": field,
        "reason_code": reason,
        "detail": f"Tệp {file.name}: {detail}",
        "record": orjson.dumps(shown).decode(),
    }
