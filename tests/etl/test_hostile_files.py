"""Hostile files (issue 10, built by `tests.hostile_files`) against the readers of the HR and edXML folders:
each ends in the outcome expected, the reason code of sources.md §1.10, its name recorded in printable form.
Time and memory are bounded by the readers' limits (`WorkbookLimits`, `PackageLimits`, the file size limits);
no duration is asserted."""

import io
import os
from datetime import datetime

import orjson
import pytest

from etl.agency_codes import AgencyResolver
from etl.code_mappings import CodeMappings
from etl.files import UNREAD_PREFIX, display_name, list_folder
from etl.hr.context import HrContext
from etl.hr.entities import SENSITIVE
from etl.hr.extract import LOADED, QUARANTINED, RETRY, HrExtractor
from etl.hr.layout import SHEETS
from etl.hr.workbook import WorkbookLimits, WorkbookRejected, check_package, read_workbook
from etl.qlvb.edxml import MAX_FILE_BYTES, NAMESPACE, PackageLimits, PackageRejected, parse_package
from etl.qlvb.files import EdxmlReader
from tests import hostile_files
from tests.etl.hr_fixtures import KEY, write_export
from tests.etl.qlvb_fixtures.records import context as qlvb_context
from tests.etl.qlvb_fixtures.records import package


@pytest.fixture
def folder(tmp_path):
    path = tmp_path / "drop"
    path.mkdir()
    return path


def hr_extractor() -> HrExtractor:
    agencies = AgencyResolver([("H35.01", "000.00.01.H35")])
    context = HrContext(KEY, agencies, CodeMappings.load("hr"))
    return HrExtractor(context, now=lambda: datetime(2025, 4, 2, 8, 0))


@pytest.mark.parametrize("build", hostile_files.HR_BUILDERS, ids=lambda build: build.__name__)
def test_each_hostile_hr_file_ends_in_its_outcome(folder, build):
    hostile = build(folder)
    [outcome] = hr_extractor().read_folder(folder, {}, set())
    assert outcome.file.name == hostile.recorded_name
    if hostile.expected == hostile_files.LOADED:
        assert (outcome.status, outcome.reason_code) == (LOADED, None)
        # The three people of the fixture's staff sheet, however the file is dressed.
        assert outcome.batch.children["stg_hr__staff"].num_rows == 3
        return
    assert (outcome.status, outcome.reason_code) == (QUARANTINED, hostile.expected)
    [row] = outcome.batch.quarantine.to_pylist()
    assert (row["reason_code"], row["locator"], row["record_key"]) == (
        hostile.expected,
        *[outcome.file.name] * 2,
    )
    assert orjson.loads(row["record"])["file_name"] == hostile.recorded_name
    assert outcome.batch.raw.num_rows == outcome.batch.rows.num_rows == 0


@pytest.mark.parametrize("build", hostile_files.EDXML_BUILDERS, ids=lambda build: build.__name__)
def test_each_hostile_edxml_file_ends_in_its_outcome(folder, build):
    hostile = build(folder)
    [(batch, [outcome])] = EdxmlReader(qlvb_context()).read(list_folder(folder, {}, MAX_FILE_BYTES))
    assert outcome.file.name == hostile.recorded_name
    if hostile.expected == hostile_files.LOADED:
        assert (outcome.status, outcome.reason_code) == ("loaded", None)
        assert batch.raw.column("_locator").to_pylist() == [f"{hostile.recorded_name}#To=H35.01"]
        return
    assert (outcome.status, outcome.reason_code) == ("quarantined", hostile.expected)
    [row] = batch.quarantine.to_pylist()
    assert (row["reason_code"], row["locator"]) == (hostile.expected, hostile.recorded_name)


def test_files_over_the_size_limit_are_listed_unread(folder):
    hostile_files.sparse(folder / "over.edxml", 2048)
    (folder / "at.edxml").write_bytes(b"x" * 1024)
    over, at = sorted(list_folder(folder, {}, max_bytes=1024), key=lambda file: file.name, reverse=True)
    assert over.sha256.startswith(UNREAD_PREFIX)  # a stand-in: the content was never read
    assert len(at.sha256) == 64 and not at.sha256.startswith(UNREAD_PREFIX)
    # Listed again unchanged: the same stand-in, so that a quarantined file is recognised and skipped.
    assert list_folder(folder, {}, max_bytes=1024)[1].sha256 == over.sha256


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("nhansu_H35.01_202503.xlsx", "nhansu_H35.01_202503.xlsx"),
        ("Báo cáo tháng 3.edxml", "Báo cáo tháng 3.edxml"),  # Vietnamese and spaces stay as they are
        ("a\udcff.edxml", "a\\xff.edxml"),  # the byte 0xFF, not UTF-8, as Python keeps it from the disk
        ("a\\xff.edxml", "a\\\\xff.edxml"),  # the four characters \xff: a different file, a different text
        ("a\tb\x7f.edxml", "a\\x09b\\x7f.edxml"),
        ("a\u200bb.edxml", "a\\u200bb.edxml"),  # zero-width space: invisible, so shown
    ],
)
def test_names_are_shown_printable_and_one_to_one(raw, shown):
    assert display_name(raw) == shown
    assert shown.isprintable()
    orjson.dumps(shown)  # what JSON records and the database receive


def test_a_zip_declaring_more_than_the_limits_is_refused_before_openpyxl(tmp_path):
    path = write_export(tmp_path / "nhansu_H35.01_202503.xlsx")
    check_package(path, WorkbookLimits())  # the fixture is far below every limit
    with pytest.raises(WorkbookRejected) as caught:
        check_package(path, WorkbookLimits(expanded_bytes=1000))
    assert caught.value.reason == "file_too_large"
    assert "giải nén ra" in caught.value.detail


def test_rows_beyond_the_cap_reject_the_file_and_columns_beyond_it_are_not_read(tmp_path):
    # The fixture's CanBo sheet has a title row, a header, 3 data rows, an empty row and 2 footer rows: 8.
    path = write_export(tmp_path / "nhansu_H35.01_202503.xlsx")
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(path, SHEETS, SENSITIVE, WorkbookLimits(rows=7))
    assert (caught.value.reason, caught.value.field) == ("file_too_large", "CanBo")
    assert len(read_workbook(path, SHEETS, SENSITIVE, WorkbookLimits(rows=8))[0].rows) == 3
    # Only the first three columns read: the CanBo header (16 columns) is no longer found.
    with pytest.raises(WorkbookRejected) as caught:
        read_workbook(path, SHEETS, SENSITIVE, WorkbookLimits(columns=3))
    assert caught.value.reason == "missing_column"


NS = NAMESPACE


@pytest.mark.parametrize(
    ("text", "limits", "detail"),
    [
        (f'<edXML xmlns="{NS}">' + "<a>" * 5, PackageLimits(depth=3), "lồng sâu hơn 3 cấp"),
        (f'<edXML xmlns="{NS}">' + "<a/>" * 5, PackageLimits(elements=4), "hơn 4 phần tử"),
        (f'<edXML xmlns="{NS}"><a x="1" y="2" z="3"/>', PackageLimits(attributes=2), "a có hơn 2 thuộc tính"),
        (
            f'<edXML xmlns="{NS}"><!--' + "x" * 300_000,
            PackageLimits(quiet_bytes=200_000),
            "dài hơn 200000 byte",
        ),
    ],
)
def test_each_package_limit_names_itself(text, limits, detail):
    with pytest.raises(PackageRejected) as caught:
        parse_package(io.BytesIO(text.encode()), limits)
    assert caught.value.reason == "xml_malformed"
    assert detail in caught.value.detail


def test_kept_text_over_the_limit_names_its_element():
    whole = package("000.00.02.H35,2025/03/30,1/SNV-CCHC", "000.00.01.H35")
    parse_package(io.BytesIO(whole), PackageLimits(text_chars=1000))  # no kept text is that long
    with pytest.raises(PackageRejected) as caught:
        parse_package(io.BytesIO(whole), PackageLimits(text_chars=10))
    # The first kept text longer than ten characters is the sender's code, 000.00.02.H35 (13).
    assert "phần tử OrganId dài hơn 10 ký tự" in caught.value.detail


def test_a_file_that_cannot_be_opened_is_quarantined_and_read_again_next_run(folder, monkeypatch):
    # Permissions cannot be taken from root, who runs these tests: the hash read is refused instead.
    write_export(folder / "nhansu_H35.01_202503.xlsx")
    (folder / "a.edxml").write_bytes(package("000.00.02.H35,2025/03/30,1/SNV-CCHC", "000.00.01.H35"))

    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("etl.files.sha256_of", refuse)
    outcomes = {outcome.file.name: outcome for outcome in hr_extractor().read_folder(folder, {}, set())}
    workbook = outcomes["nhansu_H35.01_202503.xlsx"]
    assert (workbook.status, workbook.reason_code) == (RETRY, "unreadable_file")
    packages = [file for file in list_folder(folder, {}, MAX_FILE_BYTES) if file.name == "a.edxml"]
    [(_, [package_outcome])] = EdxmlReader(qlvb_context()).read(packages)
    assert (package_outcome.status, package_outcome.reason_code) == ("retry", "unreadable_file")


def test_pipes_devices_and_links_in_the_folder_are_never_opened(folder):
    # Opening a named pipe would wait for a writer forever; /dev/zero would never end.
    os.mkfifo(folder / "nhansu_H35.01_202503.xlsx")
    (folder / "zero.edxml").symlink_to("/dev/zero")
    (folder / "sub.edxml").mkdir()
    assert list_folder(folder, {}) == []
    assert list(hr_extractor().read_folder(folder, {}, set())) == []
