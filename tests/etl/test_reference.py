from etl.agency_codes import AgencyResolver, load_agency_config, table_mismatches
from etl.code_mappings import CodeMappings


def test_agency_config_covers_the_contract_pattern():
    rows = load_agency_config()
    codes = {row["MaDinhDanh"] for row in rows}
    # H35, 19 departments, 2 units of the Office, 8 districts, 38 communes and wards.
    assert len(rows) == 1 + 19 + 2 + 8 + 38
    assert {"H35", "H35.01.01", "H35.01.10", "H35.19", "H35.37", "H35.87"} <= codes
    district = next(row for row in rows if row["MaDinhDanh"] == "H35.30")
    assert district["MaDinhDanhCu"] == "000.00.30.H35"
    assert district["NgayHetHieuLuc"] == "20250630235959"


def test_resolver_maps_either_format_case_insensitively():
    resolver = AgencyResolver.from_rows(load_agency_config())
    assert resolver.resolve("H35.01") == "H35.01"
    assert resolver.resolve(" 000.00.01.h35\u00a0") == "H35.01"
    assert resolver.resolve("000.10.01.H35") == "H35.01.10"
    assert resolver.resolve("H35.99") is None


def test_resolver_extended_with_served_units_and_staging_column_names():
    resolver = AgencyResolver.from_rows(
        [{"agency_code": "H35.02", "old_code": "000.00.02.H35"}], "agency_code", "old_code"
    )
    assert resolver.resolve("000.00.02.H35") == "H35.02"
    extended = resolver.extended([{"MaDinhDanh": "H35.201", "MaDinhDanhCu": "201.00.00.H35"}])
    assert extended.resolve("201.00.00.H35") == "H35.201"
    assert resolver.resolve("H35.201") is None  # the original is unchanged


def test_code_mappings_load_and_aliases_extend_them():
    codes = CodeMappings.load("dvc")
    assert codes["TrangThaiHoSo"].match("10") == "10"
    assert codes["TrangThaiHoSo"].match("11") is None
    assert codes["DuocThanhToanTrucTuyen"].match("2") == "2"
    extended = CodeMappings.from_config(
        {"dvc": {"TrangThaiHoSo": {"values": ["1", "2"], "aliases": {"interoperating": "2"}}}}, "dvc"
    )
    assert extended["TrangThaiHoSo"].match("Interoperating") == "2"


def test_table_mismatches_name_each_difference():
    configured = [
        {
            "MaDinhDanh": "H35.01",
            "MaDinhDanhCu": "000.00.01.H35",
            "LoaiDonVi": "so-ban-nganh",
            "MaDonViCha": "H35",
        },
        {
            "MaDinhDanh": "H35.02",
            "MaDinhDanhCu": "000.00.02.H35",
            "LoaiDonVi": "so-ban-nganh",
            "MaDonViCha": "H35",
        },
    ]
    served = [
        {
            "MaDinhDanh": "H35.01",
            "MaDinhDanhCu": "000.00.01.H35",
            "LoaiDonVi": "so-ban-nganh",
            "MaDonViCha": "H35",
        },
        {"MaDinhDanh": "H35.02", "MaDinhDanhCu": "", "LoaiDonVi": "so-ban-nganh", "MaDonViCha": "H35"},
        {"MaDinhDanh": "H35.03", "LoaiDonVi": "so-ban-nganh", "MaDonViCha": "H35"},
    ]
    assert table_mismatches(configured, served) == [
        "Đơn vị H35.03 có trong don-vi nhưng không có trong cấu hình",
        "Đơn vị H35.02: mã cũ (MaDinhDanhCu) khác nhau: cấu hình '000.00.02.H35', don-vi ''",
    ]
