"""QLVB marts and metrics of a hand-built 2025, from records through etl.qlvb to metric_value.

Agencies: A = H35.01 and B = H35.02 (so-ban-nganh) hold registers; C = H35.51 (xa-phuong) has none, so its
four QLVB metrics are undefined. Every count below is worked out from the documents listed here.

A's API entries (D(2025) = di promulgated in 2025, den arrived in 2025, neither recalled nor secret):
  a1 di 2025-03-10 điện tử, co_quan valid signature; KH- plan "cải cách hành chính năm 2025"  D, e, signed
  a2 di 2024-12-20 điện tử; KH- plan "CẢI CÁCH HÀNH CHÍNH năm 2025"                          not in D
  a3 di 2025-05-05 giấy                                                                        D
  a4 di 2025-06-01 điện tử, co_quan invalid + ca_nhan valid                                    D, e
  a5 di 2025-07-01 recalled; also a KH- plan dated 2024-11-01                                  excluded
  a6 di 2025-07-02 secret (Mật), giấy                                                          excluded
  a7 den 2025-02-01 điện tử; lead due 2025-02-10 done 2025-02-10 17:00 (on time), a supporting D, e
  a8 den 2024-12-28 cả hai; lead due 2025-01-05 done 2025-01-06 (late)                         not in D
  a9 den 2025-12-20 điện tử; lead due 2026-01-05, open (deadline not in 2025)                  D, e
  a10 den 2025-11-20 giấy; lead due 2025-11-30, open (late)                                    D
edXML packages for A: f1 file-only 2025-04-01 (Paper 0: điện tử): D, e; f4 an update of f1 on 2025-05-02:
f1's entry keeps its arrival and takes the update's kind; f2 the same document as a7 with Paper 1: merged,
the API's điện tử wins; f3 a recall of a document nobody has: orphan, quarantined.
So for A: e_document_rate 5/7 (a1 a4 a7 a9 f1 of a1 a3 a4 a7 a9 a10 f1), signed_rate 1/2 (a1 of a1 a4),
handling_on_time_rate 1/3 (a7 of a7 a8 a10), plan_on_time 1 (a2 by 31/12/2024; a1 too late).
B: b1 di 2025-08-08 điện tử, no signature; b2 di 2024-01-05 KH- plan "năm 2024". e 1/1, signed 0/1,
handling 0/0 (no value), plan 0 (no candidate for 2025).
"""

from datetime import date, datetime
from decimal import Decimal

import pytest

from etl.files import list_folder
from etl.privacy import Privacy
from etl.qlvb.entities import PRIVACY, document_spec
from etl.qlvb.files import EdxmlReader
from etl.qlvb.normalise import normalise_documents
from tests.etl.qlvb_fixtures.records import context, example, package
from tests.warehouse.conftest import rows, scalar, year_period
from warehouse.landing import land_batch
from warehouse.metric_values import compute_metrics
from warehouse.metrics_qlvb import set_plan_deadline
from warehouse.models import run_models
from warehouse.qlvb_orphans import refresh_edxml_orphans
from warehouse.reference import load_agency_config

A, B, C = "H35.01", "H35.02", "H35.51"
AFTER_YEAR = datetime(2026, 1, 10, 8, 0)
SIGNED = {"KyBoi": "co_quan", "ThoiDiemKy": "2025-03-10T09:00:00+07:00", "HopLe": True}

MONTHLY_QLVB = ("qlvb.e_document_rate", "qlvb.signed_rate", "qlvb.handling_on_time_rate")


def _doc(agency, direction, number, date_text, *, notation="SNV-CCHC", **changes):
    fields = {
        "id": f"{agency}-{direction}-{number}",
        "direction": direction,
        "MaDonViQuanLy": agency,
        "DocumentId": f"000.00.02.H35,{date_text},{number}/{notation}",
        "CodeNumber": str(number),
        "CodeNotation": notation,
        "PromulgationDate": date_text,
        "Subject": "V/v công tác chung",
        "ChuKySo": [],
        "XuLy": [],
        "NgayDen": None,
    }
    fields.update(changes)
    return example(**fields)


def _lead(due, done=None, role="chủ trì"):
    entry = {"MaDonVi": "H35.01.01", "VaiTro": role, "HanXuLy": due, "TrangThai": "06" if done else "05"}
    if done:
        entry["NgayHoanThanh"] = done
    return entry


DOCUMENTS = [
    _doc(
        A,
        "di",
        1,
        "2025/03/10",
        notation="KH-VPUBND",
        Subject="Kế hoạch cải cách hành chính năm 2025",
        ChuKySo=[SIGNED],
    ),
    _doc(A, "di", 2, "2024/12/20", notation="KH-VPUBND", Subject="Kế hoạch CẢI CÁCH HÀNH CHÍNH năm 2025"),
    _doc(A, "di", 3, "2025/05/05", HinhThucGuiNhan="giấy"),
    _doc(A, "di", 4, "2025/06/01", ChuKySo=[{**SIGNED, "HopLe": False}, {**SIGNED, "KyBoi": "ca_nhan"}]),
    _doc(
        A,
        "di",
        5,
        "2024/11/01",
        notation="KH-VPUBND",
        Subject="Kế hoạch cải cách hành chính năm 2025",
        BussinessDocType=1,
        BussinessDocReason="Thu hồi",
    ),
    _doc(A, "di", 6, "2025/07/02", DoMat="Mật", HinhThucGuiNhan="giấy", Subject=None),
    _doc(
        A,
        "den",
        7,
        "2025/01/30",
        NgayDen="2025-02-01T08:00:00+07:00",
        XuLy=[_lead("2025-02-10", "2025-02-10T17:00:00+07:00"), _lead("2025-02-05", None, "phối hợp")],
    ),
    _doc(
        A,
        "den",
        8,
        "2024/12/27",
        NgayDen="2024-12-28T08:00:00+07:00",
        HinhThucGuiNhan="cả hai",
        XuLy=[_lead("2025-01-05", "2025-01-06T08:00:00+07:00")],
    ),
    _doc(A, "den", 9, "2025/12/19", NgayDen="2025-12-20T08:00:00+07:00", XuLy=[_lead("2026-01-05")]),
    _doc(
        A,
        "den",
        10,
        "2025/11/19",
        NgayDen="2025-11-20T08:00:00+07:00",
        HinhThucGuiNhan="giấy",
        XuLy=[_lead("2025-11-30")],
    ),
    _doc(B, "di", 1, "2025/08/08"),
    _doc(B, "di", 2, "2024/01/05", notation="KH-SNV", Subject="Kế hoạch cải cách hành chính năm 2024"),
]


def _load(engine, tmp_path):
    load_agency_config(
        engine,
        [
            {
                "agency_code": A,
                "old_code": "000.00.01.H35",
                "agency_name": "Văn phòng",
                "unit_type": "so-ban-nganh",
            },
            {
                "agency_code": B,
                "old_code": "000.00.02.H35",
                "agency_name": "Sở Nội vụ",
                "unit_type": "so-ban-nganh",
            },
            {
                "agency_code": C,
                "old_code": "000.00.51.H35",
                "agency_name": "UBND xã",
                "unit_type": "xa-phuong",
            },
            {"agency_code": "H35.01.01", "agency_name": "Phòng", "unit_type": "phong-ban", "parent_code": A},
        ],
    )
    ctx = context()
    privacy = Privacy(ctx.pseudonym_key)
    batch = normalise_documents([privacy.apply(d, PRIVACY) for d in DOCUMENTS], document_spec(ctx))
    land_batch(engine, "api-1", AFTER_YEAR, "qlvb", "documents", *batch[2:5], children=batch.children)
    folder = tmp_path / "edxml"
    folder.mkdir()
    (folder / "f1.edxml").write_bytes(package("000.00.02.H35,2025/03/30,900/SNV-CCHC", "000.00.01.H35"))
    (folder / "f2.edxml").write_bytes(package(DOCUMENTS[6]["DocumentId"], A, paper="1"))
    (folder / "f4.edxml").write_bytes(
        package("000.00.02.H35,2025/03/30,900/SNV-CCHC", A, timestamp="2025/05/02 09:00:00", business="2")
    )
    (folder / "f3.edxml").write_bytes(package("000.00.02.H35,2025/03/30,901/SNV-CCHC", A, business="1"))
    for number, (files_batch, _) in enumerate(EdxmlReader(ctx).read(list_folder(folder, {}))):
        land_batch(
            engine,
            f"edxml-{number}",
            AFTER_YEAR,
            "qlvb",
            "edxml",
            *files_batch[2:5],
            children=files_batch.children,
        )
    orphans = refresh_edxml_orphans(engine, "orphans-1")
    run_models(engine)
    return orphans


def _metrics(engine):
    return {
        (agency, code): (numerator, denominator, value)
        for agency, code, numerator, denominator, value in rows(
            engine,
            "SELECT agency_code, metric_code, numerator, denominator, value FROM marts.metric_value"
            f" WHERE metric_code LIKE 'qlvb.%' AND {year_period(2025)}",
        )
    }


# The metrics of the hand-worked year (the QLVB oracle's test expects them too).
HAND_WORKED = {
    (A, "qlvb.e_document_rate"): (5, 7, Decimal("0.7143")),
    (A, "qlvb.signed_rate"): (1, 2, Decimal("0.5000")),
    (A, "qlvb.handling_on_time_rate"): (1, 3, Decimal("0.3333")),
    (A, "qlvb.plan_on_time"): (1, 1, Decimal("1.0000")),
    (B, "qlvb.e_document_rate"): (1, 1, Decimal("1.0000")),
    (B, "qlvb.signed_rate"): (0, 1, Decimal("0.0000")),
    (B, "qlvb.handling_on_time_rate"): (0, 0, None),
    (B, "qlvb.plan_on_time"): (0, 1, Decimal("0.0000")),
    (C, "qlvb.e_document_rate"): (None, None, None),
    (C, "qlvb.signed_rate"): (None, None, None),
    (C, "qlvb.handling_on_time_rate"): (None, None, None),
    (C, "qlvb.plan_on_time"): (None, None, None),
}


def test_every_qlvb_metric_of_every_agency(engine, tmp_path):
    _load(engine, tmp_path)

    compute_metrics(engine, 2025, AFTER_YEAR, AFTER_YEAR)

    assert _metrics(engine) == HAND_WORKED | {
        # metrics.md §7.6: the plan's one item, decided by a2 on time for A, missing for B
        (A, "qlvb.plan_issued"): (1, 1, Decimal("1.0000")),
        (B, "qlvb.plan_issued"): (0, 1, Decimal("0.0000")),
        (C, "qlvb.plan_issued"): (None, None, None),
        # §7.7: A's one division in the agency table above (H35.01.01) got no TB or BC on an inspection;
        # B has no division in the agency table
        (A, "qlvb.inspection_coverage"): (0, 1, Decimal("0.0000")),
        (B, "qlvb.inspection_coverage"): (0, 0, None),
        (C, "qlvb.inspection_coverage"): (None, None, None),
    }


def test_api_and_edxml_merge_field_by_field_and_orphan_recalls_are_quarantined(engine, tmp_path):
    orphans = _load(engine, tmp_path)

    merged = rows(
        engine,
        "SELECT in_api, in_edxml, transmission, has_edxml_signature FROM marts.fct_document"
        " WHERE document_key = :key",
        key=f"{A}|den|{DOCUMENTS[6]['DocumentId']}",
    )
    assert merged == [(True, True, "điện tử", True)]  # the package said cả hai; the API wins
    file_only = rows(
        engine,
        "SELECT direction, in_api, transmission, received_at, business_doc_type FROM marts.fct_document"
        " WHERE code_number = '900'",
    )
    assert file_only == [("den", False, "điện tử", datetime(2025, 4, 1, 10, 0), 2)]
    assert scalar(engine, "SELECT COUNT(*) FROM marts.fct_document WHERE code_number = '901'") == 0
    assert orphans == {"quarantined": 1, "released": 0}
    assert rows(
        engine,
        "SELECT reason_code, agency_code FROM quarantine.rejected_record WHERE entity = 'edxml'",
    ) == [("orphan_reference", A)]


def test_plan_candidates_are_listed_earliest_first_and_the_deadline_is_a_parameter(engine, tmp_path):
    _load(engine, tmp_path)
    compute_metrics(engine, 2025, AFTER_YEAR, AFTER_YEAR)
    query = (
        "SELECT code_number, code_notation, promulgation_date, subject, in_numerator, candidate_rank"
        f" FROM marts.dd_qlvb_plan_on_time WHERE agency_code = :agency AND {year_period(2025)}"
        " ORDER BY candidate_rank"
    )

    assert rows(engine, query, agency=A) == [
        ("2", "KH-VPUBND", date(2024, 12, 20), "Kế hoạch CẢI CÁCH HÀNH CHÍNH năm 2025", True, 1),
        ("1", "KH-VPUBND", date(2025, 3, 10), "Kế hoạch cải cách hành chính năm 2025", False, 2),
    ]
    assert rows(engine, query, agency=B) == []

    set_plan_deadline(engine, 2025, date(2025, 3, 31))
    assert [r[4] for r in rows(engine, query, agency=A)] == [True, True]
    set_plan_deadline(engine, 2025, date(2024, 12, 1))
    assert [r[4] for r in rows(engine, query, agency=A)] == [False, False]
    compute_metrics(engine, 2025, AFTER_YEAR, AFTER_YEAR)
    assert _metrics(engine)[(A, "qlvb.plan_on_time")] == (0, 1, Decimal("0.0000"))


def test_the_subject_reaches_marts_only_as_cited_evidence(engine):
    # sources.md §1.9: Subject is class R; metrics.md §2 allows it for the document cited as evidence.
    run_models(engine)
    columns = rows(
        engine,
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = 'marts' AND column_name IN ('subject', 'business_doc_reason', 'sphere')",
    )
    # §7.4 and §7.7 extend the exception to the deciding and inspection documents of the requirements.
    assert sorted(columns) == [
        ("dd_qlvb_docreq_item", "subject"),
        ("dd_qlvb_inspection_coverage", "subject"),
        ("dd_qlvb_plan_on_time", "subject"),
    ]


def test_quarantined_qlvb_records_are_counted_for_their_metrics(engine, tmp_path):
    # The orphan recall f3 arrived on 2025-04-01 for A; it belongs to the population of e_document_rate.
    _load(engine, tmp_path)
    compute_metrics(engine, 2025, AFTER_YEAR, AFTER_YEAR)

    assert rows(
        engine,
        "SELECT metric_code, agency_code, reason_code, n FROM marts.dd_quarantine_count"
        f" WHERE metric_code LIKE 'qlvb.%' AND {year_period(2025)}",
    ) == [("qlvb.e_document_rate", A, "orphan_reference", 1)]


def test_in_the_year_in_progress_open_assignments_not_yet_due_leave_both_counts(engine, tmp_path):
    # As of 2025-11-30 12:00: a10 (due 30/11, still open) is not late yet and leaves; a7 and a8 stay: 1 of 2.
    _load(engine, tmp_path)
    compute_metrics(engine, 2025, datetime(2025, 11, 30, 12), AFTER_YEAR)

    assert _metrics(engine)[(A, "qlvb.handling_on_time_rate")] == (1, 2, Decimal("0.5000"))


@pytest.mark.parametrize("as_of", [AFTER_YEAR, datetime(2025, 11, 30, 12)])
def test_the_months_of_the_qlvb_rates_add_up_to_the_year(engine, tmp_path, as_of):
    """D(P) is partitioned by the month of PromulgationDate or NgayDen, the handling population by the
    month of HanXuLy (an assignment due in a month before as_of's is late or done by the month's end), so
    the months' counts sum to the year's, also in the year in progress."""
    _load(engine, tmp_path)
    compute_metrics(engine, 2025, as_of, AFTER_YEAR)

    sums = rows(
        engine,
        "SELECT agency_code, metric_code, SUM(numerator), SUM(denominator) FROM marts.metric_value"
        f" WHERE metric_code IN ({', '.join(repr(m) for m in MONTHLY_QLVB)}) AND NOT ({year_period(2025)})"
        " AND numerator IS NOT NULL GROUP BY agency_code, metric_code",
    )
    year = {
        key: row[:2] for key, row in _metrics(engine).items() if key[1] in MONTHLY_QLVB and row[0] is not None
    }
    assert year and {(agency, metric): (k, n) for agency, metric, k, n in sums} == year
