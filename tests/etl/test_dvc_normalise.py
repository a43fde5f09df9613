"""Each DVC quirk (sources.md §7) into a staging row or a quarantine reason."""

import unicodedata
from datetime import date, datetime

import pytest
import yaml

from etl.code_mappings import DEFAULT_PATH, CodeMappings
from etl.dvc.normalise import normalise_records
from tests.etl.dvc_fixtures import FULL_CODE, context, ho_so

# A procedure with its numbers as strings and one agency in the old code format (Q8, §1.4).
PROCEDURE = {
    "MaTTHC": FULL_CODE,
    "MaTTHCNgan": "1.001193",
    "TenTTHC": "Đăng ký khai sinh",
    "MaLinhVuc": "LV-017",
    "TenLinhVuc": "Hộ tịch",
    "MucDo": "4",
    "ThoiGianGiaiQuyet": "5",
    "LoaiThoiGian": "Ngày làm việc",
    "CoPhiLePhi": "0",
    "KetQuaGiay": "1",
    "MaCoQuanThucHien": ["H35.51", "000.00.50.H35"],
    "CapThucHien": ["Cấp xã"],
    "TrangThai": "Đang áp dụng",
    "NgayCapNhat": "20250101000000",
}


def one(entity, record, ctx=None):
    batch = normalise_records(entity, [record], ctx or context())
    return batch, batch.rows.to_pylist(), batch.quarantine.to_pylist()


def loaded(entity, record, ctx=None) -> dict:
    batch, rows, quarantine = one(entity, record, ctx)
    assert quarantine == [], quarantine
    assert len(rows) == 1
    return rows[0]


def rejected(entity, record, ctx=None) -> dict:
    batch, rows, quarantine = one(entity, record, ctx)
    assert rows == []
    assert len(quarantine) == 1
    return quarantine[0]


def test_contract_example_loads_with_typed_columns():
    row = loaded("ho-so", ho_so())
    assert row["dossier_code"] == "H35.51-250314-0007"
    assert row["channel"] == 2 and row["service_level"] == 4 and row["status"] == 10
    assert row["received_at"] == datetime(2025, 3, 14, 9, 0)
    assert row["refused_at"] is None
    assert row["applicant_id_hash"] == "a" * 64
    assert (row["has_digitised_component"], row["has_fee"], row["vneid_verified"]) == (True, False, True)
    # Two submitted components, one digitised; one result document, with a link.
    assert (row["submitted_component_count"], row["digitised_component_count"]) == (2, 1)
    assert (row["result_document_count"], row["e_result_document_count"]) == (1, 1)
    assert row["supplement_request_count"] == 0
    assert row["_key"] == "H35.51-250314-0007"
    assert row["_version"] == row["updated_at"] == datetime(2025, 3, 21, 8, 0, 12)
    assert len(row["_content_hash"]) == 64


def test_what_the_decision_766_metrics_read_of_a_dossier():
    """metrics.md §11.1: components re-using digitised data (DuocTaiSuDung 1 or 2) or taken from the national
    store (DuocLayTuKhoDMQG 1), and the time supplement requests held the dossier (entries with both set)."""
    components = [
        {"MaThanhPhanHoSo": "TP-01", "DuocSoHoa": "1", "DuocTaiSuDung": "1", "DuocLayTuKhoDMQG": "1"},
        {"MaThanhPhanHoSo": "TP-02", "DuocSoHoa": "1", "DuocTaiSuDung": "2", "DuocLayTuKhoDMQG": "0"},
        {"MaThanhPhanHoSo": "TP-03", "DuocSoHoa": "0", "DuocTaiSuDung": "0", "DuocLayTuKhoDMQG": "0"},
    ]
    supplements = [
        # Requested 15/3 10:00, supplemented 17/3 09:30: 2 days − 30 minutes = 171,000 s.
        {"HoSoBoSungId": "b1", "NgayYeuCauBoSung": "20250315100000", "NgayTiepNhanBoSung": "20250317093000"},
        # Still open: no interval.
        {"HoSoBoSungId": "b2", "NgayYeuCauBoSung": "20250319080000"},
    ]
    row = loaded("ho-so", ho_so(TaiLieuNop=components, DanhSachHoSoBoSung=supplements))
    assert (row["reused_component_count"], row["national_store_component_count"]) == (2, 1)
    assert row["supplement_pause_seconds"] == 2 * 86_400 - 30 * 60
    row = loaded("ho-so", ho_so())  # the contract's example: nothing re-used, no supplement
    assert (row["reused_component_count"], row["national_store_component_count"]) == (0, 0)
    assert row["supplement_pause_seconds"] == 0


def test_q1_absent_forms_are_null_and_missing_required_is_quarantined():
    row = loaded("ho-so", ho_so(NgayTuChoi=None, NgayTra="00010101000000", NgayHenTra=" "))
    assert (row["refused_at"], row["returned_at"], row["due_at"]) == (None, None, None)
    record = ho_so()
    del record["NgayNopHoSo"]
    entry = rejected("ho-so", record)
    assert (entry["field"], entry["reason_code"]) == ("NgayNopHoSo", "missing_required")
    assert entry["detail"] == "Thiếu trường bắt buộc NgayNopHoSo"
    assert entry["record_key"] == "H35.51-250314-0007"
    assert entry["record_version"] == datetime(2025, 3, 21, 8, 0, 12)


def test_q2_nfd_text_becomes_nfc():
    row = loaded("ho-so", ho_so(TenTTHC=unicodedata.normalize("NFD", "Đăng ký khai sinh")))
    assert row["procedure_name"] == "Đăng ký khai sinh"


def test_q3_whitespace_in_codes_and_identifiers():
    row = loaded(
        "ho-so", ho_so(MaHoSo=" H35.51-250314-0007\u00a0", TrangThaiHoSo=" 10\n", MaDonViXuLy="H35.51 ")
    )
    assert (row["dossier_code"], row["status"], row["agency_code"]) == ("H35.51-250314-0007", 10, "H35.51")


def test_q4_letter_case_maps_to_the_canonical_spelling():
    record = {
        "MaHoSo": "H35.51-250314-0007",
        "LoaiDanhGia": "congdan",
        "DanhGia": "Hài lòng",
        "ThoiGianDanhGia": "20250322100000",
        "NgayCapNhat": "20250322100000",
    }
    row = loaded("danh-gia", record)
    assert (row["rating_kind"], row["rating"]) == ("CongDan", "HÀI LÒNG")


def test_q5_old_agency_code_is_mapped_and_an_unknown_one_quarantined():
    assert loaded("ho-so", ho_so(MaDonViXuLy="000.00.51.H35"))["agency_code"] == "H35.51"
    entry = rejected("ho-so", ho_so(MaDonViXuLy="000.00.99.H35"))
    assert (entry["field"], entry["reason_code"]) == ("MaDonViXuLy", "unknown_agency")
    assert "MaDonViXuLy" in entry["detail"] and "000.00.99.H35" in entry["detail"]


def test_q6_processing_end_before_acceptance_is_date_order():
    entry = rejected("ho-so", ho_so(NgayKetThucXuLy="20250314085959"))
    assert (entry["field"], entry["reason_code"]) == ("NgayKetThucXuLy", "date_order")
    assert entry["detail"] == "Trường NgayKetThucXuLy trước NgayTiepNhan"


def test_q7_unknown_status_is_quarantined_until_the_mapping_knows_it():
    entry = rejected("ho-so", ho_so(TrangThaiHoSo="interoperating"))
    assert (entry["field"], entry["reason_code"]) == ("TrangThaiHoSo", "unknown_code")
    with open(DEFAULT_PATH, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    config["dvc"]["TrangThaiHoSo"]["aliases"] = {"interoperating": "4"}
    mapped = CodeMappings.from_config(config, "dvc")
    assert loaded("ho-so", ho_so(TrangThaiHoSo="interoperating"), context(mapped))["status"] == 4


def test_q8_numbers_for_strings_and_strings_for_numbers():
    row = loaded("ho-so", ho_so(KenhThucHien=2, MucDo=4, CoPhiLePhi=1, TrangThaiHoSo=9, NgayTra=""))
    assert (row["channel"], row["service_level"], row["has_fee"], row["status"]) == (2, 4, True, 9)
    row = loaded("thu-tuc", PROCEDURE)
    assert row["legal_days"] == 5.0
    assert row["agency_codes"] == '["H35.51","H35.50"]'
    assert row["levels"] == '["Cấp xã"]'


def test_q9_short_procedure_code_maps_to_the_full_code():
    assert loaded("ho-so", ho_so(MaTTHC="1.001193"))["procedure_code"] == FULL_CODE
    entry = rejected("ho-so", ho_so(MaTTHC="1.999999"))
    assert (entry["field"], entry["reason_code"]) == ("MaTTHC", "unknown_procedure")


def test_online_payment_two_is_accepted():
    assert loaded("ho-so", ho_so(DuocThanhToanTrucTuyen="2"))["online_payment"] == 2


def test_bad_date_is_bad_format():
    entry = rejected("ho-so", ho_so(NgayTiepNhan="2025-03-14 09:00"))
    assert (entry["field"], entry["reason_code"]) == ("NgayTiepNhan", "bad_format")
    assert entry["detail"] == "Trường NgayTiepNhan sai định dạng: 2025-03-14 09:00"


def test_a_bad_array_entry_is_quarantined_alone_and_the_parent_loads():
    record = ho_so(
        DanhSachHoSoBoSung=[
            {"HoSoBoSungId": "g1", "NgayYeuCauBoSung": "20250315090000"},
            {"HoSoBoSungId": "g2", "NgayYeuCauBoSung": "15/03/2025"},
        ]
    )
    batch, rows, quarantine = one("ho-so", record)
    assert len(rows) == 1 and rows[0]["supplement_request_count"] == 1  # only the valid entry counts
    assert len(quarantine) == 1
    entry = quarantine[0]
    assert entry["field"] == "DanhSachHoSoBoSung[1].NgayYeuCauBoSung"
    assert entry["reason_code"] == "bad_format"
    assert entry["locator"] == "ho-so#0/DanhSachHoSoBoSung[1]"
    assert entry["record_key"] == "H35.51-250314-0007"


def test_drift_fields_are_listed_kept_in_raw_and_never_fail():
    batch, rows, quarantine = one("ho-so", ho_so(MaHoSoLienThong="", _ext={"v": 2}))
    assert len(rows) == 1 and quarantine == []
    raw = batch.raw.to_pylist()[0]
    assert raw["_drift_fields"] == "MaHoSoLienThong,_ext"
    assert '"_ext":{"v":2}' in raw["_record"]


def test_content_hash_ignores_version_and_drift_but_not_content():
    base = loaded("ho-so", ho_so())["_content_hash"]
    assert loaded("ho-so", ho_so(NgayCapNhat="20250401000000", _ext=1))["_content_hash"] == base
    assert loaded("ho-so", ho_so(TrichYeuHoSo=" Đăng ký khai sinh cho con "))["_content_hash"] == base
    assert loaded("ho-so", ho_so(TrangThaiHoSo="9", NgayTra=""))["_content_hash"] != base


def test_fetch_seq_counts_loaded_rows_from_the_given_start():
    batch = normalise_records(
        "ho-so", [ho_so(), ho_so(MaHoSo="X-2"), ho_so(MaHoSo="X-3")], context(), fetch_seq_start=7
    )
    assert batch.rows.column("_fetch_seq").to_pylist() == [7, 8, 9]


@pytest.mark.parametrize(
    ("entity", "record", "expected"),
    [
        (
            "don-vi",
            {
                "MaDinhDanh": "H35.201",
                "MaDinhDanhCu": "201.00.00.H35",
                "TenDonVi": "Sở mới",
                "LoaiDonVi": "SO-BAN-NGANH",
                "MaDonViCha": "000.00.00.H35",
                "NgayCapNhat": "20250101000000",
            },
            {"agency_code": "H35.201", "unit_type": "so-ban-nganh", "parent_code": "H35", "valid_to": None},
        ),
        (
            "ngay-nghi",
            {
                "Ngay": "20250430",
                "Nam": "2025",
                "TenNgayNghi": "Ngày Giải phóng miền Nam",
                "LoaiNgay": "Nghỉ lễ",
            },
            {"holiday_date": date(2025, 4, 30), "year": 2025, "day_kind": "Nghỉ lễ", "_version": None},
        ),
        (
            "phieu-xin-loi",
            {
                "Id": "9f1c",
                "MaHoSo": "H35.51-250314-0007",
                "Loai": unicodedata.normalize("NFD", "Xin lỗi"),
                "CreatedOn": "20250320100000",
                "NgayKy": "20250320110000",
                "NgayHenTraMoi": "20250325090000",
                "TrangThai": "đã xử lý",
                "NgayCapNhat": "20250320110000",
            },
            {
                "apology_id": "9f1c",
                "kind": "Xin lỗi",
                "status": "Đã xử lý",
                "signed_at": datetime(2025, 3, 20, 11),
            },
        ),
        (
            "pakn",
            {
                "id": "pakn-0001",
                "MaDonVi": "000.00.02.H35",
                "PhanLoai": "Thủ tục hành chính",
                "NgayTiepNhan": "20250301080000",
                "NgayTraLoi": "20250305080000",
                "NgayCongKhai": "",
                "TrangThai": "Đã trả lời",
                "CongKhai": "0",
                "MaHoSo": "",
                "DanhGiaTraLoi": "hài lòng",
                "NgayCapNhat": "20250305080000",
            },
            {
                "agency_code": "H35.02",
                "is_published": False,
                "dossier_code": None,
                "answer_rating": "HÀI LÒNG",
            },
        ),
    ],
)
def test_other_entities(entity, record, expected):
    row = loaded(entity, record)
    assert {name: row[name] for name in expected} == expected


def test_unknown_agency_inside_a_procedure_list_quarantines_that_entry_only():
    # Without a legal time (both of its fields absent), and an agency outside the agency table.
    procedure = {k: v for k, v in PROCEDURE.items() if k not in ("ThoiGianGiaiQuyet", "LoaiThoiGian")}
    procedure["MaCoQuanThucHien"] = ["H35.51", "H35.99"]
    batch, rows, quarantine = one("thu-tuc", procedure)
    assert rows[0]["agency_codes"] == '["H35.51"]'
    assert rows[0]["legal_days"] is None and rows[0]["day_kind"] is None
    assert [(q["field"], q["reason_code"]) for q in quarantine] == [("MaCoQuanThucHien[1]", "unknown_agency")]


def test_raw_keeps_every_received_record_even_when_quarantined():
    batch = normalise_records("ho-so", [ho_so(), ho_so(MaHoSo="")], context(), locators=["u#0", "u#1"])
    raw = batch.raw.to_pylist()
    assert [r["_locator"] for r in raw] == ["u#0", "u#1"]
    assert [r["_key"] for r in raw] == ["H35.51-250314-0007", None]
    assert batch.quarantine.to_pylist()[0]["reason_code"] == "missing_required"


def test_one_odd_value_in_a_page_rejects_its_record_only():
    """A page is converted a column at a time; values the column fast path does not take (an impossible
    date of the right shape, a list where a code belongs, a number for a flag, NFD text) are decided one
    by one, and every other record of the page loads as it would alone (sources.md §1.5, §1.10, Q2, Q8)."""
    records = [
        ho_so(MaHoSo="P-1"),
        ho_so(MaHoSo="P-2", NgayHenTra="20250230090000"),  # 30 February: bad_format
        ho_so(MaHoSo="P-3", TrangThaiHoSo=["10"]),  # a list for a code: bad_format
        ho_so(MaHoSo="P-4", CoPhiLePhi=1, TenTTHC=unicodedata.normalize("NFD", "Đăng ký khai sinh")),
        ho_so(MaHoSo="P-5", NgayTra="00010101000000", MaDonViXuLy=""),  # MinValue: null; agency missing
    ]
    batch = normalise_records("ho-so", records, context())
    rows = {row["_key"]: row for row in batch.rows.to_pylist()}
    assert sorted(rows) == ["P-1", "P-4"]
    assert rows["P-4"]["has_fee"] is True and rows["P-4"]["procedure_name"] == "Đăng ký khai sinh"
    assert rows["P-1"]["due_at"] == datetime(2025, 3, 21, 9, 0)
    rejected = [(q["record_key"], q["field"], q["reason_code"]) for q in batch.quarantine.to_pylist()]
    assert rejected == [
        ("P-2", "NgayHenTra", "bad_format"),
        ("P-3", "TrangThaiHoSo", "bad_format"),
        ("P-5", "MaDonViXuLy", "missing_required"),
    ]
    # Each record alone gives the same rows and content hashes as within the page.
    for record in records:
        alone = normalise_records("ho-so", [record], context()).rows.to_pylist()
        key = record["MaHoSo"]
        assert [row["_content_hash"] for row in alone] == (
            [rows[key]["_content_hash"]] if key in rows else []
        )
