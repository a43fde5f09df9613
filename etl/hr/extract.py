"""HR extraction: every new file content of the folder becomes one `ExtractBatch` (sources.md §5).

A readable export gives its parent row (agency and month, staging `stg_hr__export`) and the rows of its five
sheets as children, so the newest content of an agency and month replaces everything the earlier one loaded.
A file rejected whole gives a batch with one quarantine row and nothing else.
"""

import hashlib
import logging
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import NamedTuple

import orjson
import pyarrow as pa

from etl.batch import ExtractBatch
from etl.files import CacheKey, FolderFile, list_folder
from etl.hr.context import HrContext
from etl.hr.entities import (
    AGENCY_FIELD,
    EXPORT_ENTITY,
    MONTH_FIELD,
    PRIVACY,
    SENSITIVE,
    SOURCE,
    sheet_specs,
)
from etl.hr.layout import SHEETS, SheetLayout
from etl.hr.naming import ExportName, is_lock_file, parse_export_name
from etl.hr.workbook import SheetRows, WorkbookRejected, read_workbook
from etl.normalise import QUARANTINE_SCHEMA, RAW_SCHEMA, ROW_META, TIMESTAMP, detail, normalise
from etl.privacy import Privacy

log = logging.getLogger(__name__)

# File outcomes, as `warehouse.processed_files` records them.
LOADED, QUARANTINED, RETRY = "loaded", "quarantined", "retry"
# Row reasons that configuration can fix: the file is read again on every run until they pass (§1.10).
REEVALUATED = frozenset({"unknown_code", "unknown_agency"})

CHILD_TABLES = {
    "CanBo": "stg_hr__staff",
    "BienChe": "stg_hr__quota",
    "DaoTao": "stg_hr__training",
    "KyLuat": "stg_hr__discipline",
    "DanhGia": "stg_hr__rating",
}
PARENT_COLUMNS = [
    ("agency_code", pa.string()),
    ("export_month", pa.date32()),
    ("file_name", pa.string()),
    ("file_sha256", pa.string()),
    ("file_modified_at", TIMESTAMP),
]
# Pseudonyms an HR reader keeps (about 200 bytes each): more than the staff of the largest agency.
PSEUDONYMS_REMEMBERED = 50_000
_CHILD_META = {"_key", "_version", "_content_hash", "_fetch_seq"}


class FileNotes(NamedTuple):
    """What reading one file noticed, for the run's log and metadata."""

    footer_rows: int = 0  # non-empty rows after the data, ignored
    drift_rows: int = 0  # rows with a column the contract does not know
    sensitive: tuple[str, ...] = ()  # sensitive fields whose column was present (dropped unread)


class FileOutcome(NamedTuple):
    file: FolderFile
    status: str  # LOADED, QUARANTINED or RETRY
    reason_code: str | None  # the reason a whole file was rejected
    batch: ExtractBatch
    notes: FileNotes = FileNotes()


def _empty(schema: pa.Schema) -> pa.Table:
    return schema.empty_table()


PARENT_SCHEMA = pa.schema(ROW_META + PARENT_COLUMNS)

DUPLICATE_CONFLICT = "duplicate_conflict"
_CONFLICT_DETAIL = "Trùng khóa với dòng {kept} của cùng tệp nhưng khác nội dung; giữ dòng sau"

_FILE_DETAIL = {
    "bad_file_name": "Tên tệp không đúng quy tắc nhansu_{{MaDonVi}}_{{YYYYMM}}.xlsx: {name}",
    "file_too_large": "Tệp {name} lớn hơn giới hạn {limit} byte",
    "unreadable_file": "Không mở được tệp {name} để đọc (quyền truy cập?); sẽ đọc lại ở lần chạy sau",
    "unknown_agency": "Trường MaDonVi có mã đơn vị không có trong bảng đơn vị (cả hai định dạng): {agency}",
}


class HrExtractor:
    """Reads the files of the HR folder that were not processed before, in `workers` processes (reading and
    normalising a workbook is most of the cost, and files are independent); outcomes come back in file-name
    order."""

    def __init__(self, context: HrContext, now=None, workers: int = 1):
        self.context = context
        self.workers = workers
        self._now = now
        self._reader = FileReader(context, now)
        self._fetch_seq = 0
        self.sensitive_seen: set[str] = set()
        self.drift_rows = 0  # rows with unknown columns, this run
        self.footer_rows = 0
        self.lock_files: list[str] = []
        self.files_to_read: int | None = None  # known once the folder is listed

    def read_folder(
        self, folder: Path, cache: Mapping[CacheKey, str], done: Iterable[str]
    ) -> Iterator[FileOutcome]:
        """An outcome for every file whose content is not in `done` (loaded or quarantined for good)."""
        done = set(done)
        files = []
        for file in list_folder(folder, cache, self.context.max_file_bytes):
            if is_lock_file(file.name):
                self.lock_files.append(file.name)
                log.info("HR: Excel lock file %s skipped", file.name)
            elif file.sha256 not in done:
                files.append(file)
        self.files_to_read = len(files)
        for outcome in self._read_all(files):
            yield self._noted(self._numbered(outcome))

    def _read_all(self, files: list[FolderFile]) -> Iterator[FileOutcome]:
        if self.workers <= 1 or len(files) < 2 * self.workers:
            yield from map(self._reader.read_file, files)
            return
        # Spawned, not forked: the caller may hold threads and a database connection.
        pool = ProcessPoolExecutor(
            self.workers, get_context("spawn"), initializer=_start_worker, initargs=(self.context, self._now)
        )
        with pool:
            pending: deque = deque()
            for file in files:
                pending.append(pool.submit(_read_in_worker, file))
                # A bounded read-ahead: outcomes wait for landing, never a whole folder of them.
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()

    def _numbered(self, outcome: FileOutcome) -> FileOutcome:
        """The export's parent row and its children numbered in this run's fetch order."""
        if outcome.batch.rows.num_rows == 0:
            return outcome
        seq = self._fetch_seq
        self._fetch_seq += 1
        batch = outcome.batch
        rows = _with_constant(batch.rows, "_fetch_seq", seq)
        children = {
            name: _with_constant(table, "_parent_fetch_seq", seq) for name, table in batch.children.items()
        }
        return outcome._replace(batch=batch._replace(rows=rows, children=children))

    def _noted(self, outcome: FileOutcome) -> FileOutcome:
        notes = outcome.notes
        for field in notes.sensitive:
            if field not in self.sensitive_seen:
                self.sensitive_seen.add(field)
                log.warning("HR: sensitive column %s present in the exports; dropped unread", field)
        self.footer_rows += notes.footer_rows
        self.drift_rows += notes.drift_rows
        if outcome.reason_code is not None:
            log.warning("HR: file %s rejected: %s", outcome.file.name, outcome.reason_code)
        return outcome


class FileReader:
    """One file to its outcome; holds nothing of the run, so that worker processes can each have one."""

    def __init__(self, context: HrContext, now=None):
        self.context = context
        # The files are read by name, an agency's months one after another: its staff's identifiers recur
        # on each sheet and in each month (province: 219 k pseudonyms, few of them distinct per agency).
        self._privacy = Privacy(context.pseudonym_key, remembered=PSEUDONYMS_REMEMBERED)
        self._specs = sheet_specs(context.codes)
        # Microseconds kept: the version orders two contents of one agency and month read in the same run.
        self._now = now or (lambda: datetime.now(context.timezone).replace(tzinfo=None))

    def _local(self, posix_seconds: float) -> datetime:
        return datetime.fromtimestamp(posix_seconds, self.context.timezone).replace(tzinfo=None)

    def read_file(self, file: FolderFile) -> FileOutcome:
        name = parse_export_name(file.name)
        if name is None:
            text = _FILE_DETAIL["bad_file_name"].format(name=file.name)
            return self._rejected(file, QUARANTINED, "bad_file_name", None, text, {})
        context = {AGENCY_FIELD: name.agency, MONTH_FIELD: name.month_text}
        month = datetime(name.year, name.month, 1)
        if file.size > self.context.max_file_bytes:
            text = _FILE_DETAIL["file_too_large"].format(name=file.name, limit=self.context.max_file_bytes)
            return self._rejected(file, QUARANTINED, "file_too_large", None, text, context, month)
        if not file.readable:  # a matter of permissions, not of content: tried again at every run
            text = _FILE_DETAIL["unreadable_file"].format(name=file.name)
            return self._rejected(file, RETRY, "unreadable_file", None, text, context, month)
        agency = self.context.agencies.resolve(name.agency)
        if agency is None:
            text = _FILE_DETAIL["unknown_agency"].format(agency=name.agency)
            return self._rejected(file, RETRY, "unknown_agency", AGENCY_FIELD, text, context, month)
        try:
            sheets = read_workbook(file.path, SHEETS, SENSITIVE, self.context.workbook_limits)
        except WorkbookRejected as exc:
            return self._rejected(file, QUARANTINED, exc.reason, exc.field, exc.detail, context, month)
        return self._export(file, name, agency, sheets)

    def _rejected(
        self,
        file: FolderFile,
        status: str,
        reason: str,
        field: str | None,
        text: str,
        context: dict,
        month: datetime | None = None,
    ) -> FileOutcome:
        """A batch with the one quarantine row of a file rejected whole; `month` starts the export's month
        when the name gives one."""
        record = {"file_name": file.name, "size_bytes": file.size, "sha256": file.sha256, **context}
        quarantine = pa.table(
            {
                "source": [SOURCE],
                "entity": [EXPORT_ENTITY],
                "record_key": [file.name],
                "record_version": [month],
                "locator": [file.name],
                "field": [field],
                "reason_code": [reason],
                "detail": [text],
                "record": [orjson.dumps(record).decode()],
            },
            schema=QUARANTINE_SCHEMA,
        )
        batch = ExtractBatch(SOURCE, EXPORT_ENTITY, _empty(RAW_SCHEMA), _empty(PARENT_SCHEMA), quarantine)
        return FileOutcome(file, status, reason, batch)

    def _sheet_tables(self, file: FolderFile, sheet: SheetRows, agency: str, month: str):
        layout: SheetLayout = sheet.layout
        policy = PRIVACY[layout.name]
        apply = self._privacy.apply
        # A required column that privacy drops (CanBo's HoTen) is checked before it is dropped.
        dropped_required = [c.field for c in layout.columns if c.required and c.field in policy.drop]
        complete, incomplete = [], []
        for row, record in sheet.rows:
            missing = next((name for name in dropped_required if _is_blank(record.get(name))), None)
            item = (
                f"{file.name}#{layout.name}!R{row}",
                apply({AGENCY_FIELD: agency, MONTH_FIELD: month, **record}, policy),
            )
            (complete if missing is None else incomplete).append((item, missing))
        spec = self._specs[layout.name]
        raw, rows, quarantine = normalise(spec, [item for item, _ in complete])
        rows, conflicts = _later_row_wins(layout.entity, raw, rows, quarantine)
        quarantine = pa.concat_tables([quarantine, conflicts])
        if not incomplete:
            return raw, rows, quarantine
        held, _, _ = normalise(spec, [item for item, _ in incomplete])
        fields = [missing for _, missing in incomplete]
        missing_rows = pa.table(
            {
                "source": [SOURCE] * held.num_rows,
                "entity": [layout.entity] * held.num_rows,
                "record_key": held.column("_key"),
                "record_version": pa.nulls(held.num_rows, TIMESTAMP),
                "locator": held.column("_locator"),
                "field": fields,
                "reason_code": ["missing_required"] * held.num_rows,
                "detail": [detail("missing_required", name) for name in fields],
                "record": held.column("_record"),
            },
            schema=QUARANTINE_SCHEMA,
        )
        return pa.concat_tables([raw, held]), rows, pa.concat_tables([quarantine, missing_rows])

    def _export(
        self, file: FolderFile, name: ExportName, agency: str, sheets: list[SheetRows]
    ) -> FileOutcome:
        parent_seq = 0  # numbered by the extractor in the run's fetch order
        parent_key = f"{agency}|{name.month_text}"
        raws, quarantines, children, hashes = [], [], {}, []
        for sheet in sheets:
            raw, rows, quarantine = self._sheet_tables(file, sheet, agency, name.month_text)
            raws.append(raw)
            quarantines.append(quarantine)
            hashes.extend(rows.column("_content_hash").to_pylist())
            children[CHILD_TABLES[sheet.layout.name]] = _child_rows(rows, parent_key, parent_seq)
        content = hashlib.sha256(orjson.dumps([parent_key, hashes])).hexdigest()
        parent = pa.table(
            {
                "_key": [parent_key],
                "_version": [self._now()],
                "_content_hash": [content],
                "_fetch_seq": [parent_seq],
                "agency_code": [agency],
                "export_month": [date(name.year, name.month, 1)],
                "file_name": [file.name],
                "file_sha256": [file.sha256],
                "file_modified_at": [self._local(file.modified_at)],
            },
            schema=PARENT_SCHEMA,
        )
        quarantine = _in_month(pa.concat_tables(quarantines), name)
        reasons = set(quarantine.column("reason_code").to_pylist())
        status = RETRY if reasons & REEVALUATED else LOADED
        batch = ExtractBatch(SOURCE, EXPORT_ENTITY, pa.concat_tables(raws), parent, quarantine, children)
        notes = FileNotes(
            footer_rows=sum(sheet.footer_rows for sheet in sheets),
            drift_rows=sum(len(sheet.rows) for sheet in sheets if sheet.drift),
            sensitive=tuple(field for sheet in sheets for field in sheet.sensitive_present),
        )
        return FileOutcome(file, status, None, batch, notes)


_WORKER: FileReader | None = None


def _start_worker(context: HrContext, now) -> None:
    global _WORKER
    _WORKER = FileReader(context, now)


def _read_in_worker(file: FolderFile) -> FileOutcome:
    assert _WORKER is not None, "worker not started"
    return _WORKER.read_file(file)


def _with_constant(table: pa.Table, column: str, value: int) -> pa.Table:
    index = table.schema.get_field_index(column)
    return table.set_column(index, column, pa.array([value] * table.num_rows, pa.int64()))


def in_bounded_groups(outcomes: Iterable[FileOutcome], max_rows: int = 50_000) -> Iterator[list[FileOutcome]]:
    """Consecutive outcomes grouped so that a group's rows stay under `max_rows` (one file may exceed it)."""
    group: list[FileOutcome] = []
    rows = 0
    for outcome in outcomes:
        size = outcome.batch.raw.num_rows + outcome.batch.quarantine.num_rows
        if group and rows + size > max_rows:
            yield group
            group, rows = [], 0
        group.append(outcome)
        rows += size
    if group:
        yield group


def combine(outcomes: Sequence[FileOutcome]) -> ExtractBatch:
    """The batches of several files as one: landing one batch costs the same for one file as for many, and
    `land_batch` still gives each export's children to their own parent row (by key and fetch order)."""
    batches = [outcome.batch for outcome in outcomes]
    children = {
        name: pa.concat_tables([batch.children[name] for batch in batches if name in batch.children])
        for name in CHILD_TABLES.values()
        if any(name in batch.children for batch in batches)
    }
    return ExtractBatch(
        SOURCE,
        EXPORT_ENTITY,
        pa.concat_tables([batch.raw for batch in batches]),
        pa.concat_tables([batch.rows for batch in batches]),
        pa.concat_tables([batch.quarantine for batch in batches]),
        children,
    )


def _later_row_wins(
    entity: str, raw: pa.Table, rows: pa.Table, rejected: pa.Table
) -> tuple[pa.Table, pa.Table]:
    """A sheet's rows with one row per key, and the quarantine rows of the rows it left out.

    A sheet row has no version, so two rows with one key are two records with the same key and version:
    as for the API sources (sources.md §1.8), the later-read one, here the lower in the sheet, wins, and
    an earlier one with other content is quarantined as `duplicate_conflict`; an identical one only
    collapses into it (raw keeps both). Without this, both rows would reach the child table, whose key
    the landing merge never sees: it merges the export, not its rows.
    """
    keys = rows.column("_key").to_pylist()
    last = {key: index for index, key in enumerate(keys)}
    if len(last) == len(keys):
        return rows, _empty(QUARANTINE_SCHEMA)
    # `normalise` keeps the order of the sheet, and a row it rejects has one quarantine row naming it
    # (HR rows have no arrays): the raw rows not rejected are the staged rows, one for one.
    rejected_at = set(rejected.column("locator").to_pylist())
    staged = [
        (locator, record)
        for locator, record in zip(
            raw.column("_locator").to_pylist(), raw.column("_record").to_pylist(), strict=True
        )
        if locator not in rejected_at
    ]
    hashes = rows.column("_content_hash").to_pylist()
    losers = [
        (index, last[key])
        for index, key in enumerate(keys)
        if last[key] != index and hashes[index] != hashes[last[key]]
    ]
    conflicts = pa.table(
        {
            "source": [SOURCE] * len(losers),
            "entity": [entity] * len(losers),
            "record_key": [keys[index] for index, _ in losers],
            "record_version": pa.nulls(len(losers), TIMESTAMP),
            "locator": [staged[index][0] for index, _ in losers],
            "field": pa.nulls(len(losers), pa.string()),
            "reason_code": [DUPLICATE_CONFLICT] * len(losers),
            "detail": [_CONFLICT_DETAIL.format(kept=_sheet_row(staged[kept][0])) for _, kept in losers],
            "record": [staged[index][1] for index, _ in losers],
        },
        schema=QUARANTINE_SCHEMA,
    )
    kept = pa.array([last[key] == index for index, key in enumerate(keys)])
    return rows.filter(kept), conflicts


def _sheet_row(locator: str) -> str:
    """`DaoTao!R7` of the locator `file#DaoTao!R7`."""
    return locator.split("#", 1)[1]


def _in_month(quarantine: pa.Table, name: ExportName) -> pa.Table:
    """Quarantined rows dated to the first day of their export's month: their period (dd_quarantine_count)."""
    month = pa.array([datetime(name.year, name.month, 1)] * quarantine.num_rows, TIMESTAMP)
    return quarantine.set_column(quarantine.schema.get_field_index("record_version"), "record_version", month)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _child_rows(rows: pa.Table, parent_key: str, parent_seq: int) -> pa.Table:
    """A sheet's normalised rows as child rows: their own key kept as `record_key`."""
    columns = [name for name in rows.column_names if name not in _CHILD_META]
    count = rows.num_rows
    return pa.table(
        {
            "_parent_key": pa.array([parent_key] * count, pa.string()),
            "_parent_fetch_seq": pa.array([parent_seq] * count, pa.int64()),
            "record_key": rows.column("_key"),
            **{name: rows.column(name) for name in columns},
        }
    )
