"""The HR extraction as the asset runs it (`tests.assets.folder_runs.load_folder`)."""

import os

import pytest

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.hr.context import HrContext
from tests.assets.folder_runs import load_folder
from tests.etl.hr_fixtures import KEY, staff_row, write_export
from tests.warehouse.conftest import rows
from warehouse.reference import load_agency_config

AGENCIES = [{"agency_code": "H35.01", "old_code": "000.00.01.H35", "unit_type": "so-ban-nganh"}]


@pytest.fixture
def folder(tmp_path):
    # Beside, not around, the warehouse file that the engine fixture keeps in tmp_path.
    path = tmp_path / "hr"
    path.mkdir()
    return path


def context(agencies=AGENCIES) -> HrContext:
    return HrContext(
        KEY, AgencyResolver.from_rows(agencies, "agency_code", "old_code"), CodeMappings.load("hr")
    )


def staff_count(engine) -> list[tuple]:
    return rows(
        engine,
        "SELECT e._key, COUNT(*) FROM staging.stg_hr__staff s JOIN staging.stg_hr__export e"
        " ON e._key = s._parent_key GROUP BY e._key",
    )


def test_a_reissued_export_replaces_the_earlier_rows_of_its_agency_and_month(engine, folder):
    load_agency_config(engine, AGENCIES)
    path = folder / "nhansu_H35.01_202503.xlsx"
    two = [
        staff_row(1, "CB1", "000000000001", "Công chức", "01/01/2020"),
        staff_row(2, "CB2", "000000000002", "Công chức", "01/01/2020"),
    ]
    write_export(path, staff=two)
    assert load_folder(engine, folder, context(), "run1")["files"] == 1
    assert staff_count(engine) == [("H35.01|202503", 2)]
    # Nothing new: the same content is not read again, except by a full refresh.
    assert load_folder(engine, folder, context(), "run2")["files"] == 0
    assert load_folder(engine, folder, context(), "run2-full", full_refresh=True)["files"] == 1
    assert staff_count(engine) == [("H35.01|202503", 2)]
    # Re-issued with one person removed: same name, new content; the newest content wins whole.
    write_export(path, staff=two[:1])
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    assert load_folder(engine, folder, context(), "run3")["files"] == 1
    assert staff_count(engine) == [("H35.01|202503", 1)]
    recorded = rows(engine, "SELECT file_name, status FROM staging.processed_file ORDER BY processed_at")
    assert recorded == [("nhansu_H35.01_202503.xlsx", "loaded")] * 2


def test_an_unknown_agency_is_read_again_until_the_configuration_knows_it(engine, folder):
    write_export(folder / "nhansu_H35.07_202503.xlsx")
    load_agency_config(engine, AGENCIES)
    first = load_folder(engine, folder, context(), "run1")
    assert first["files_rejected"] == 1
    assert rows(engine, "SELECT reason_code, released_at IS NULL FROM quarantine.rejected_record") == [
        ("unknown_agency", True)
    ]
    # Still unknown: read again, quarantined once (the write is idempotent).
    assert load_folder(engine, folder, context(), "run2")["files"] == 1
    known = [*AGENCIES, {"agency_code": "H35.07", "old_code": "000.00.07.H35", "unit_type": "so-ban-nganh"}]
    load_agency_config(engine, known)
    third = load_folder(engine, folder, context(known), "run3")
    assert third["released"] == 1
    assert staff_count(engine) == [("H35.07|202503", 3)]
    assert rows(engine, "SELECT COUNT(*) FROM quarantine.rejected_record WHERE released_at IS NULL") == [(0,)]
    # Loaded now: not read again.
    assert load_folder(engine, folder, context(known), "run4")["files"] == 0


def test_the_processed_file_registry_keeps_outcomes(engine, folder):
    (folder / "nhansu_H35.01_202503 (1).xlsx").write_bytes(b"copy")
    load_agency_config(engine, AGENCIES)
    load_folder(engine, folder, context(), "run1")
    assert rows(engine, "SELECT file_name, status, reason_code FROM staging.processed_file") == [
        ("nhansu_H35.01_202503 (1).xlsx", "quarantined", "bad_file_name")
    ]


def test_rows_repeating_a_key_in_one_export_keep_the_later_row_and_quarantine_a_different_one(engine, folder):
    load_agency_config(engine, AGENCIES)
    course = ["CB001", "Nguyễn Văn An", "Tin học cơ bản", "Bồi dưỡng", "Tin học", "01/02/2025", "28/02/2025"]
    # DaoTao has three title rows in these workbooks, so its data rows are R5, R6, R7.
    training = [
        [1, *course, "Đang học"],  # R5: the key of R7 with other content
        [2, "CB002", "Trần Thị Bình", "Ngoại ngữ", "Bồi dưỡng", "Ngoại ngữ", "03/02/2025", None, "Đang học"],
        [3, *course, "Hoàn thành"],  # R7: the later row of the key wins (sources.md §1.8)
    ]
    decision = ["CB003", "Lò Văn Cường", "Khiển trách", "15/QĐ-VPUBND", "10/02/2025", "Vi phạm giờ giấc"]
    # The same decision twice with the same content (the STT aside): one row, nothing to quarantine.
    discipline = [[1, *decision], [2, *decision]]
    write_export(folder / "nhansu_H35.01_202503.xlsx", training=training, discipline=discipline)
    totals = load_folder(engine, folder, context(), "run1")
    assert totals["raw"] == 3 + 2 + 3 + 2 + 1  # every sheet row stays in raw
    assert totals["quarantined"] == 1
    assert rows(engine, "SELECT course_name, result FROM staging.stg_hr__training ORDER BY course_name") == [
        ("Ngoại ngữ", "Đang học"),
        ("Tin học cơ bản", "Hoàn thành"),
    ]
    assert rows(engine, "SELECT decision_number FROM staging.stg_hr__discipline") == [("15/QĐ-VPUBND",)]
    [rejected] = rows(
        engine,
        "SELECT entity, locator, reason_code, agency_code, record_key, record"
        " FROM quarantine.rejected_record",
    )
    entity, locator, reason, agency, key, record = rejected
    assert (entity, locator, reason, agency) == (
        "dao-tao",
        "nhansu_H35.01_202503.xlsx#DaoTao!R5",
        "duplicate_conflict",
        "H35.01",
    )
    # The quarantined row is the earlier one, under the key of the row kept.
    assert '"Đang học"' in record and "Hoàn thành" not in record
    assert rows(engine, "SELECT record_key FROM staging.stg_hr__training WHERE result = 'Hoàn thành'") == [
        (key,)
    ]
    # Re-issued without the other course, the conflict still in it: the same row is not quarantined twice.
    path = write_export(folder / "nhansu_H35.01_202503.xlsx", training=training[::2], discipline=discipline)
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 10))
    again = load_folder(engine, folder, context(), "run2")
    assert (again["files"], again["quarantined"]) == (1, 0)
    assert rows(engine, "SELECT course_name, result FROM staging.stg_hr__training") == [
        ("Tin học cơ bản", "Hoàn thành")
    ]
