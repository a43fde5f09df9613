"""edXML packages of the watched folder (sources.md §3.7) to batches, with an outcome per file."""

import logging
from collections.abc import Iterable, Iterator
from typing import NamedTuple

import orjson
import pyarrow as pa

from etl.batch import ExtractBatch
from etl.files import FolderFile
from etl.normalise import QUARANTINE_SCHEMA
from etl.privacy import Privacy
from etl.qlvb.context import QlvbContext
from etl.qlvb.edxml import MAX_FILE_BYTES, UNREADABLE_FILE, PackageRejected, read_package
from etl.qlvb.entities import EDXML, PRIVACY, SOURCE, edxml_spec
from etl.qlvb.normalise import concat_batches, normalise_batch
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


class EdxmlReader:
    def __init__(self, context: QlvbContext, max_bytes: int = MAX_FILE_BYTES, files_per_batch: int = 500):
        self.context = context
        self.max_bytes = max_bytes
        self.files_per_batch = files_per_batch
        self._privacy = Privacy(context.pseudonym_key)
        self._fetch_seq = 0
        # A rejected file yields a batch with this one's empty raw and row tables and its quarantine row.
        self._empty = normalise_batch(edxml_spec(context, ""), [])

    def read(self, files: Iterable[FolderFile]) -> Iterator[tuple[ExtractBatch, list[FileOutcome]]]:
        """One batch per `files_per_batch` package files, with the outcome of each file in it."""
        batches: list[ExtractBatch] = []
        outcomes: list[FileOutcome] = []
        for file in files:
            if not is_package_name(file.name):
                log.info("edXML folder: %s is not a .edxml file and is ignored", file.name)
                continue
            batch, outcome = self.read_file(file)
            batches.append(batch)
            outcomes.append(outcome)
            if len(outcomes) >= self.files_per_batch:
                yield concat_batches(batches), outcomes
                batches, outcomes = [], []
        if outcomes:
            yield concat_batches(batches), outcomes

    def read_file(self, file: FolderFile) -> tuple[ExtractBatch, FileOutcome]:
        if not file.readable:  # a matter of permissions, not of content: tried again at every run
            detail = "Không mở được tệp để đọc (quyền truy cập?); sẽ đọc lại ở lần chạy sau"
            return self._rejected(file, None, UNREADABLE_FILE, None, detail), FileOutcome(
                file, RETRY, UNREADABLE_FILE
            )
        try:
            record = self._privacy.apply(read_package(file.path, self.max_bytes), PRIVACY)
        except PackageRejected as exc:
            return self._rejected(file, None, exc.reason, None, exc.detail), FileOutcome(
                file, QUARANTINED, exc.reason
            )
        receivers = [entry.get("OrganId") for entry in record["To"] if isinstance(entry.get("OrganId"), str)]
        receivers = [code for code in receivers if code.strip()]
        if not receivers:
            batch = self._rejected(file, record, "missing_required", "To", "Thiếu trường bắt buộc To/OrganId")
            return batch, FileOutcome(file, QUARANTINED, "missing_required")
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
            return self._rejected(file, record, "unknown_agency", "To", detail), FileOutcome(
                file, RETRY, "unknown_agency"
            )
        spec = edxml_spec(self.context, file.sha256)
        items = [
            (f"{file.name}#To={canonical}", {**record, "MaDonViQuanLy": received})
            for canonical, received in agencies.items()
        ]
        batch = normalise_batch(spec, items, self._fetch_seq)
        self._fetch_seq += batch.rows.num_rows
        if batch.rows.num_rows == 0:
            reasons = batch.quarantine.column("reason_code").to_pylist()
            return batch, FileOutcome(file, QUARANTINED, reasons[0] if reasons else None)
        return batch, FileOutcome(file, LOADED, None)

    def _rejected(
        self, file: FolderFile, record: dict | None, reason: str, field: str | None, detail: str
    ) -> ExtractBatch:
        """A batch holding only the quarantine row of a whole file: its key is the file's content hash."""
        shown = record if record is not None else {"file": file.name, "size": file.size}
        text = orjson.dumps(shown).decode()
        quarantine = pa.table(
            {
                "source": [SOURCE],
                "entity": [EDXML],
                "record_key": [file.sha256],
                "record_version": pa.array([None], pa.timestamp("us")),
                "locator": [file.name],
                "field": [field],
                "reason_code": [reason],
                "detail": [f"Tệp {file.name}: {detail}"],
                "record": [text],
            },
            schema=QUARANTINE_SCHEMA,
        )
        return self._empty._replace(quarantine=quarantine)
