"""The HR extractor on small workbooks: outcomes per file, privacy before anything is written, keys."""

import hmac
import json
from datetime import datetime
from hashlib import sha256

import pyarrow as pa
import pytest

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.hr.context import HrContext
from etl.hr.extract import LOADED, QUARANTINED, RETRY, HrExtractor, combine, in_bounded_groups
from tests.etl.hr_fixtures import KEY, STAFF_ROWS, staff_row, write_export

NOW = datetime(2025, 4, 2, 8, 0)


def extractor(max_bytes: int | None = None) -> HrExtractor:
    extra = {} if max_bytes is None else {"max_file_bytes": max_bytes}
    agencies = AgencyResolver([("H35.01", "000.00.01.H35"), ("H35.02", "000.00.02.H35")])
    return HrExtractor(HrContext(KEY, agencies, CodeMappings.load("hr"), **extra), now=lambda: NOW)


def outcomes(folder, **kwargs):
    return {o.file.name: o for o in extractor(**kwargs).read_folder(folder, {}, set())}


def pseudonym(domain: str, value: str) -> str:
    return hmac.new(KEY, f"{domain}:{value}".encode(), sha256).hexdigest()


def all_text(batch) -> str:
    tables = [batch.raw, batch.rows, batch.quarantine, *batch.children.values()]
    return json.dumps([t.to_pylist() for t in tables], default=str, ensure_ascii=False)


def test_an_export_loads_with_its_sheets_as_children(tmp_path):
    write_export(tmp_path / "nhansu_000.00.01.H35_202503.xlsx")
    outcome = outcomes(tmp_path)["nhansu_000.00.01.H35_202503.xlsx"]
    batch = outcome.batch
    assert outcome.status == LOADED
    # The old-format code of the file name is mapped to the canonical code (Q5).
    assert batch.rows.to_pylist()[0]["_key"] == "H35.01|202503"
    assert batch.rows.column("_version").to_pylist() == [NOW]
    staff = batch.children["stg_hr__staff"].to_pylist()
    # 11-digit number 12345678901 padded to 012345678901 before hashing (Q13).
    assert staff[0]["person_id_hash"] == pseudonym("person", "012345678901")
    assert staff[0]["cbccvc_hash"] == pseudonym("cbccvc", "CB001")
    assert [s["birth_year"] for s in staff] == [1986, 1990, 1980]
    assert [s["rank_code"] for s in staff] == ["01.003", "CDNN-III", "01.002"]
    assert [s["status"] for s in staff] == ["Đang làm việc", "Đang làm việc", "Chuyển công tác"]  # Q4 case
    assert {row["_parent_key"] for row in staff} == {"H35.01|202503"}
    assert batch.children["stg_hr__rating"].column("rating_code").to_pylist() == ["HTTNV"]  # full text → code
    assert batch.children["stg_hr__quota"].column("quota_year").to_pylist() == [2025, 2024]  # 2025.0 → 2025
    assert batch.quarantine.num_rows == 0
    # 3 + 2 + 1 + 1 + 1 sheet rows, each in raw with its file, sheet and row.
    assert batch.raw.num_rows == 8
    assert batch.raw.column("_locator").to_pylist()[0] == "nhansu_000.00.01.H35_202503.xlsx#CanBo!R3"


def test_no_name_phone_home_town_id_or_sensitive_value_is_written(tmp_path):
    write_export(tmp_path / "nhansu_H35.01_202503.xlsx")
    text = all_text(outcomes(tmp_path)["nhansu_H35.01_202503.xlsx"].batch)
    for row in STAFF_ROWS:
        name, cbccvc, person_id, _, _, ethnicity, _, party_date, home, phone = row[1:11]
        for value in (name, cbccvc, str(person_id), ethnicity, home, phone):
            assert value not in text
    for field in ("DanToc", "TonGiao", "NgayVaoDang", "HoTen", "QueQuan", "SoDienThoai", "2010-05-01"):
        assert field not in text


def test_bad_rows_are_quarantined_one_by_one_naming_file_sheet_row_and_field(tmp_path):
    staff = [
        staff_row(1, "CB1", "000000000001", "Công chức", "01/01/2020"),
        staff_row(2, "CB2", "000000000002", "Công chức", "2020-01-01"),  # not day first: bad_format
        staff_row(3, "CB3", "000000000003", "Nhân viên", "01/01/2020"),  # unknown LoaiNhanSu
        staff_row(4, None, "000000000004", "Công chức", "01/01/2020"),  # no SoHieuCBCCVC
    ]
    write_export(tmp_path / "nhansu_H35.02_202503.xlsx", staff=staff)
    outcome = outcomes(tmp_path)["nhansu_H35.02_202503.xlsx"]
    rejected = [
        (q["locator"], q["field"], q["reason_code"], q["entity"])
        for q in outcome.batch.quarantine.to_pylist()
    ]
    assert rejected == [
        ("nhansu_H35.02_202503.xlsx#CanBo!R4", "NgayVeDonVi", "bad_format", "can-bo"),
        ("nhansu_H35.02_202503.xlsx#CanBo!R5", "LoaiNhanSu", "unknown_code", "can-bo"),
        ("nhansu_H35.02_202503.xlsx#CanBo!R6", "SoHieuCBCCVC", "missing_required", "can-bo"),
    ]
    assert outcome.batch.children["stg_hr__staff"].num_rows == 1
    # An unknown code can be fixed by configuration: the file is read again on the next run.
    assert outcome.status == RETRY


@pytest.mark.parametrize(
    ("name", "content", "status", "reason"),
    [
        ("nhansu_H35.01_202503 (1).xlsx", b"copy", QUARANTINED, "bad_file_name"),
        ("nhansu_H35.01_202503.csv", b"a,b", QUARANTINED, "bad_file_name"),
        ("nhansu_H35.01_202503.xlsx", b"PK\x03\x04 not really a zip", QUARANTINED, "unreadable_file"),
        ("nhansu_H35.99_202503.xlsx", b"unknown agency", RETRY, "unknown_agency"),
    ],
)
def test_files_rejected_whole(tmp_path, name, content, status, reason):
    (tmp_path / name).write_bytes(content)
    outcome = outcomes(tmp_path)[name]
    assert (outcome.status, outcome.reason_code) == (status, reason)
    [row] = outcome.batch.quarantine.to_pylist()
    assert (row["entity"], row["record_key"], row["locator"], row["reason_code"]) == (
        "nhansu",
        name,
        name,
        reason,
    )
    assert outcome.batch.rows.num_rows == 0 and outcome.batch.raw.num_rows == 0


def test_a_file_over_the_size_limit_is_not_opened(tmp_path):
    path = write_export(tmp_path / "nhansu_H35.01_202503.xlsx")
    outcome = outcomes(tmp_path, max_bytes=path.stat().st_size - 1)["nhansu_H35.01_202503.xlsx"]
    assert (outcome.status, outcome.reason_code) == (QUARANTINED, "file_too_large")


def test_lock_files_are_skipped_and_processed_contents_not_read_again(tmp_path):
    write_export(tmp_path / "nhansu_H35.01_202503.xlsx")
    (tmp_path / "~$nhansu_H35.01_202503.xlsx").write_bytes(b"lock")
    first = extractor()
    [outcome] = list(first.read_folder(tmp_path, {}, set()))
    assert first.lock_files == ["~$nhansu_H35.01_202503.xlsx"]
    assert list(extractor().read_folder(tmp_path, {}, {outcome.file.sha256})) == []


def test_an_export_with_empty_sheets_loads(tmp_path):
    write_export(tmp_path / "nhansu_H35.01_202503.xlsx", staff=[], quota=[], training=[], discipline=[])
    outcome = outcomes(tmp_path)["nhansu_H35.01_202503.xlsx"]
    assert outcome.status == LOADED
    assert outcome.batch.children["stg_hr__staff"].num_rows == 0
    assert isinstance(outcome.batch.children["stg_hr__staff"], pa.Table)


def test_a_staff_row_without_a_name_is_missing_required_though_names_are_never_stored(tmp_path):
    nameless = staff_row(2, "CB2", "000000000002", "Công chức", "01/01/2020")
    nameless[1] = "  "
    staff = [staff_row(1, "CB1", "000000000001", "Công chức", "01/01/2020"), nameless]
    write_export(tmp_path / "nhansu_H35.01_202503.xlsx", staff=staff)
    batch = outcomes(tmp_path)["nhansu_H35.01_202503.xlsx"].batch
    [row] = batch.quarantine.to_pylist()
    assert (row["locator"], row["field"], row["reason_code"]) == (
        "nhansu_H35.01_202503.xlsx#CanBo!R4",
        "HoTen",
        "missing_required",
    )
    assert "HoTen" not in row["record"]
    assert batch.children["stg_hr__staff"].num_rows == 1
    assert batch.raw.num_rows == 2 + 2 + 1 + 1 + 1  # both staff rows stay in raw


def test_files_are_grouped_into_bounded_batches_with_their_children(tmp_path):
    # Three exports of 8 sheet rows each and a stray file (1 quarantine row), in name order: with a budget of
    # 16 rows the groups are the first two exports (16), then the stray and the third export (9).
    for month in ("202501", "202502", "202503"):
        write_export(tmp_path / f"nhansu_H35.01_{month}.xlsx")
    (tmp_path / "nhansu_H35.01_202503 (1).xlsx").write_bytes(b"copy")
    groups = list(in_bounded_groups(extractor().read_folder(tmp_path, {}, set()), max_rows=16))
    assert [[o.file.name for o in group] for group in groups] == [
        ["nhansu_H35.01_202501.xlsx", "nhansu_H35.01_202502.xlsx"],
        ["nhansu_H35.01_202503 (1).xlsx", "nhansu_H35.01_202503.xlsx"],
    ]
    batch = combine(groups[0])
    assert batch.rows.column("_key").to_pylist() == ["H35.01|202501", "H35.01|202502"]
    staff = batch.children["stg_hr__staff"]
    # Each export's children carry its parent's key and fetch order.
    parents = staff.select(["_parent_key", "_parent_fetch_seq"]).to_pylist()
    assert sorted({(row["_parent_key"], row["_parent_fetch_seq"]) for row in parents}) == [
        ("H35.01|202501", 0),
        ("H35.01|202502", 1),
    ]
    assert (batch.raw.num_rows, batch.quarantine.num_rows) == (16, 0)


def test_reading_in_worker_processes_gives_the_serial_outcomes(tmp_path):
    for month in ("202501", "202502", "202503", "202504"):
        write_export(tmp_path / f"nhansu_H35.01_{month}.xlsx")
    agencies = AgencyResolver([("H35.01", "000.00.01.H35")])
    context = HrContext(KEY, agencies, CodeMappings.load("hr"))
    serial = list(HrExtractor(context).read_folder(tmp_path, {}, set()))
    pooled_extractor = HrExtractor(context, workers=2)
    pooled = list(pooled_extractor.read_folder(tmp_path, {}, set()))
    assert [o.file.name for o in pooled] == [o.file.name for o in serial]
    # Fetch order numbered in the parent process: 0..3, children with their parent's number.
    assert [o.batch.rows.column("_fetch_seq").to_pylist() for o in pooled] == [[0], [1], [2], [3]]
    assert [
        set(o.batch.children["stg_hr__staff"].column("_parent_fetch_seq").to_pylist()) for o in pooled
    ] == [
        {0},
        {1},
        {2},
        {3},
    ]
    for a, b in zip(serial, pooled, strict=True):
        assert a.batch.children["stg_hr__staff"].equals(b.batch.children["stg_hr__staff"])
        assert a.batch.raw.equals(b.batch.raw)
        assert a.batch.rows.column("_content_hash").equals(b.batch.rows.column("_content_hash"))
    # 4 files, 5 sheets each with a two-line footer; the sensitive columns reported to the parent.
    assert pooled_extractor.footer_rows == 40
    assert pooled_extractor.sensitive_seen == {"DanToc", "TonGiao", "NgayVaoDang"}


def test_a_key_repeated_in_a_sheet_keeps_its_last_row_and_quarantines_the_earlier_different_ones(tmp_path):
    first = staff_row(1, "CB1", "000000000001", "Công chức", "01/01/2020")
    moved = staff_row(4, "CB1", "000000000001", "Công chức", "01/01/2021")  # same person, other date
    staff = [
        first,
        staff_row(2, "CB2", "000000000002", "Công chức", "2020-01-01"),  # bad_format: rejected before
        staff_row(3, "CB3", "000000000003", "Viên chức", "01/01/2019"),
        moved,
        staff_row(4, "CB3", "000000000003", "Viên chức", "01/01/2019"),  # R3's content again
    ]
    # CanBo has one title row here: its data rows are R3 to R7.
    write_export(tmp_path / "nhansu_H35.01_202503.xlsx", staff=staff)
    batch = outcomes(tmp_path)["nhansu_H35.01_202503.xlsx"].batch
    rejected = [(q["locator"], q["reason_code"], q["detail"]) for q in batch.quarantine.to_pylist()]
    assert rejected == [
        ("nhansu_H35.01_202503.xlsx#CanBo!R4", "bad_format", "Trường NgayVeDonVi sai định dạng: 2020-01-01"),
        (
            "nhansu_H35.01_202503.xlsx#CanBo!R3",
            "duplicate_conflict",
            "Trùng khóa với dòng CanBo!R6 của cùng tệp nhưng khác nội dung; giữ dòng sau",
        ),
    ]
    conflict = batch.quarantine.to_pylist()[1]
    assert conflict["record_key"] == f"H35.01|202503|{pseudonym('person', '000000000001')}"
    assert json.loads(conflict["record"])["NgayVeDonVi"] == "01/01/2020"
    kept = batch.children["stg_hr__staff"].to_pylist()
    assert sorted((row["cbccvc_hash"], str(row["joined_on"])) for row in kept) == sorted(
        [(pseudonym("cbccvc", "CB3"), "2019-01-01"), (pseudonym("cbccvc", "CB1"), "2021-01-01")]
    )
    assert batch.raw.num_rows == 5 + 2 + 1 + 1 + 1
