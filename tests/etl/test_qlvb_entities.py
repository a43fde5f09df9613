"""QLVB register entries through privacy and normalisation; expected values read off the §3.9 example."""

import unicodedata
from datetime import date, datetime

import orjson

from etl.privacy import Privacy
from etl.qlvb.entities import PRIVACY, document_spec
from etl.qlvb.normalise import normalise_documents
from tests.etl.qlvb_fixtures.records import context, example

KEY = "H35.01|den|000.00.02.H35,2025/10/20,512/SNV-CCHC"


def _normalise(*records):
    ctx = context()
    privacy = Privacy(ctx.pseudonym_key)
    return normalise_documents([privacy.apply(r, PRIVACY) for r in records], document_spec(ctx))


def test_the_contract_example_loads_with_its_signatures_and_handling_as_child_rows():
    batch = _normalise(example())

    [row] = batch.rows.to_pylist()
    assert row["_key"] == KEY
    assert row["_version"] == datetime(2025, 10, 24, 16, 5, 0, 431000)  # ModifiedAt, +07:00 is local
    assert (row["agency_code"], row["direction"], row["from_agency_code"]) == ("H35.01", "den", "H35.02")
    assert (row["code_number"], row["code_notation"], row["type_name"]) == ("512", "SNV-CCHC", "Công văn")
    assert row["promulgation_date"] == date(2025, 10, 20)
    assert row["received_at"] == datetime(2025, 10, 20, 15, 42, 10)
    assert row["secrecy"] is None  # DoMat "" (not secret)
    assert (row["transmission"], row["business_doc_type"], row["priority"]) == ("điện tử", 0, 0)
    assert (row["signature_count"], row["handling_count"]) == (2, 1)
    assert row["to_agency_codes"] == '["H35.01"]'
    assert batch.quarantine.num_rows == 0

    signatures = batch.children["stg_qlvb__signature"].to_pylist()
    assert [
        (s["signed_by"], s["is_valid"], s["_parent_key"], s["_parent_fetch_seq"]) for s in signatures
    ] == [
        ("ca_nhan", True, KEY, 0),
        ("co_quan", True, KEY, 0),
    ]
    [handling] = batch.children["stg_qlvb__handling"].to_pylist()
    assert handling["unit_code"] == "H35.01.01"
    assert handling["role"] == "chủ trì"
    assert handling["due_date"] == date(2025, 10, 27)
    assert handling["completed_at"] == datetime(2025, 10, 24, 16, 5)
    assert handling["status"] == "06"


def test_the_signer_name_is_dropped_before_raw_and_staging():
    batch = _normalise(example())

    stored = orjson.loads(batch.raw.column("_record")[0].as_py())
    assert stored["SignerInfo"] == {"Competence": "KT. GIÁM ĐỐC", "Position": "Phó Giám đốc"}
    assert "Nguyễn Văn B" not in batch.raw.column("_record")[0].as_py()


def test_a_bad_handling_entry_is_quarantined_alone_and_its_document_loads():
    record = example()
    record["XuLy"].append({"MaDonVi": "H35.01.01", "VaiTro": "phối hợp", "TrangThai": "13"})  # Q7

    batch = _normalise(record)

    assert batch.rows.num_rows == 1
    assert batch.children["stg_qlvb__handling"].num_rows == 1
    [rejected] = batch.quarantine.to_pylist()
    assert (rejected["reason_code"], rejected["field"], rejected["record_key"]) == (
        "unknown_code",
        "XuLy[1].TrangThai",
        KEY,
    )


def test_quirks_are_normalised_into_the_same_key_and_values():
    nfd_subject = unicodedata.normalize("NFD", "Kế hoạch cải cách hành chính năm 2026")
    record = example(
        MaDonViQuanLy="000.00.01.H35",  # Q5 old format
        DocumentId=" 000.00.02.H35,2025/10/20,512/TTR-SNV",  # Q3 space, Q4 upper-cased type code
        CodeNotation="TTR-SNV",
        Subject=nfd_subject,  # Q2
        ModifiedAt="2025-10-24T09:05:00.431Z",  # Q16: UTC
        NgayDen="2025-10-20T15:42:10",  # Q16: no offset means +07:00
        LienThong="",  # Q1: "" for null
        DoMat=None,
    )

    [row] = _normalise(record).rows.to_pylist()

    assert row["_key"] == "H35.01|den|000.00.02.H35,2025/10/20,512/TTr-SNV"
    assert row["document_id"] == "000.00.02.H35,2025/10/20,512/TTr-SNV"
    assert row["code_notation"] == "TTr-SNV"
    assert row["subject"] == unicodedata.normalize("NFC", nfd_subject)
    assert row["modified_at"] == datetime(2025, 10, 24, 16, 5, 0, 431000)
    assert row["received_at"] == datetime(2025, 10, 20, 15, 42, 10)
    assert row["exchange_channel"] is None
    assert row["secrecy"] is None


def test_unknown_agency_and_unknown_type_quarantine_the_document_and_drift_is_kept_in_raw():
    batch = _normalise(
        example(MaDonViQuanLy="H99.01"),
        example(id="x2", DocumentType={"Type": 99, "TypeName": "Sắc lệnh"}),
        example(id="x3", DocumentId="000.00.02.H35,2025/10/21,513/SNV-CCHC", _ext={"v": 2}),
    )

    reasons = {(q["field"], q["reason_code"]) for q in batch.quarantine.to_pylist()}
    assert reasons == {("MaDonViQuanLy", "unknown_agency"), ("DocumentType", "unknown_code")}
    assert batch.rows.column("system_id").to_pylist() == ["x3"]
    assert batch.raw.column("_drift_fields").to_pylist() == [None, None, "_ext"]


def test_a_replacement_lists_the_replaced_documents_cleaned():
    record = example(
        BussinessDocType=3,
        DocumentId="000.00.02.H35,2025/10/22,530/SNV-CCHC",
        ReplacementDocumentIds=["000.00.02.H35,2025/10/20,14/2025/QYĐ-UBND"],
    )

    [row] = _normalise(record).rows.to_pylist()

    assert row["business_doc_type"] == 3
    assert row["replaced_document_ids"] == '["000.00.02.H35,2025/10/20,14/2025/QyĐ-UBND"]'
