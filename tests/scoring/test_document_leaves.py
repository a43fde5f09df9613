"""Leaves on document requirements through the scorecard (metrics.md §7.4, §9.2, §9.6, §10.4).

A small test catalogue binds 1.3 (`proportional`), 7.6 (`deadline` [(0, 1), (30, 0.5)]) and 4.1 (`binary`,
`fallback: manual`) to requirements declared in it. The item rows stand for `marts.dd_qlvb_<id>_issued` and
the metric rows for `metric_value`; their values are the contract's worked examples: §10.4's 1.3 on
20/07/2026 (1 of 2 decided reports on time, two pending) and §9.2's 7.6 (plan dated 14/01/Y against
Y-1-12-31: 14 days late, credit 0.5, score 1.00).
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.catalogue import CatalogueError, load_catalogue, selected_catalogues
from scoring.scorecard import Agency, ManualEntry, build_scorecard

A = Agency("H35.04", "Sở Y tế", "so-ban-nganh")
START, END = date(2026, 1, 1), date(2026, 12, 31)
CATALOGUE = """
id: test-docreq@1
name: Thử
unit_types: [so-ban-nganh]
document_requirements:
  - id: cchc_reports
    name: Báo cáo CCHC định kỳ
    types: [BC]
    phrases: [[cải cách hành chính, CCHC]]
    items:
      - {code: q1, name: Báo cáo quý I, deadline: Y-03-16, phrases: ["quý I"]}
      - {code: h1, name: Báo cáo 6 tháng, deadline: Y-06-16, phrases: [6 tháng đầu năm]}
      - {code: q3, name: Báo cáo quý III, deadline: Y-09-16, phrases: [quý III]}
      - {code: nam, name: Báo cáo năm, deadline: Y-12-16, phrases: ["năm {Y}"]}
  - {id: digital_plan, name: Kế hoạch chuyển đổi số, types: [KH], phrases: ["chuyển đổi số", "năm {Y}"],
     items: [{code: kh, name: "Kế hoạch chuyển đổi số năm {Y}", deadline: Y-1-12-31, after: Y-1-07-01}]}
  - {id: functions_regulation, name: "Quy định chức năng, nhiệm vụ", types: [QĐ], in_force: true,
     phrases: [["chức năng, nhiệm vụ"]],
     items: [{code: qd, name: "Quyết định quy định chức năng, nhiệm vụ", deadline: null, after: null,
              until: null}]}
areas:
  - code: "1"
    name: Chỉ đạo
    children:
      - {code: "1.3", name: Báo cáo, max_points: 2, metric: qlvb.cchc_reports_on_time, rule: proportional,
         evidence: document}
      - {code: "1.4", name: Chuyển đổi số, max_points: 2, metric: qlvb.digital_plan_on_time, rule: deadline,
         parameters: {bands: [[0, 1.0], [30, 0.5]]}, evidence: document}
      - {code: "1.5", name: Chức năng, max_points: 2, metric: qlvb.functions_regulation_on_time, rule: binary,
         fallback: manual, evidence: document}
      - {code: "1.6", name: Kiểm tra, max_points: 1, metric: qlvb.inspection_coverage, rule: step,
         parameters: {bands: [[0.20, 1]]}, when_no_cases: not_applicable, evidence: document}
      - {code: "1.7", name: Kế hoạch, max_points: 1, metric: qlvb.plan_on_time, rule: binary,
         evidence: document}
"""


def _item(metric, order, name, status, deadline, issued=None, number=None, late=None, **extra):
    return {
        "metric_code": metric,
        "agency_code": A.code,
        "period_start": START,
        "period_end": END,
        "requirement_name": extra.get("requirement_name", "Báo cáo CCHC định kỳ"),
        "item_order": order,
        "item_name": name,
        "deadline_date": deadline,
        "status": status,
        "document_key": f"{A.code}|di|{number}" if number else None,
        "code_number": number,
        "code_notation": "BC-SYT" if number else None,
        "promulgation_date": issued,
        "subject": f"Báo cáo CCHC số {number}" if number else None,
        "days_late": (issued - deadline).days if issued and deadline else None,
        "coverage_start": extra.get("coverage_start"),
        "cutoff_date": date(2026, 7, 20),
    }


REPORTS = "qlvb.cchc_reports_on_time"
REPORT_ITEMS = [
    _item(REPORTS, 1, "Báo cáo quý I", "on_time", date(2026, 3, 16), date(2026, 3, 13), "12"),
    _item(REPORTS, 2, "Báo cáo 6 tháng", "late", date(2026, 6, 16), date(2026, 6, 19), "30"),
    _item(REPORTS, 3, "Báo cáo quý III", "pending", date(2026, 9, 16)),
    _item(REPORTS, 4, "Báo cáo năm", "pending", date(2026, 12, 16)),
]
PLAN = "qlvb.digital_plan_on_time"
FUNCTIONS = "qlvb.functions_regulation_on_time"


def _catalogue(tmp_path):
    path = tmp_path / "test-docreq@1.yaml"
    path.write_text(CATALOGUE, encoding="utf-8")
    return load_catalogue(path)


def _leaf(rows, code):
    return next(row for row in rows if row["criterion_code"] == code)


def _score(tmp_path, items, manual=None, **readings):
    from scoring.rules import MetricReading

    parsed = {code.replace("__", "."): MetricReading(*value) for code, value in readings.items()}
    return build_scorecard(
        _catalogue(tmp_path),
        A,
        2026,
        {(metric, START, END): value for metric, value in parsed.items()},
        manual or {},
        items,
    )


def test_the_worked_example_of_10_4_on_20_07_2026(tmp_path):
    rows = _score(tmp_path, REPORT_ITEMS, qlvb__cchc_reports_on_time=(1, 2, Decimal("0.5000")))
    leaf = _leaf(rows, "1.3")

    assert (leaf["status"], leaf["score"]) == ("computed", Decimal("1.00"))
    assert leaf["explanation"] == (
        "Báo cáo CCHC định kỳ: 1/2 văn bản ban hành đúng hạn; được 1,00/2,00 điểm. "
        "Báo cáo quý I: đúng hạn (13/03/2026); Báo cáo 6 tháng: trễ 3 ngày (19/06/2026, hạn 16/06/2026); "
        "Báo cáo quý III: chưa đến hạn (hạn 16/09/2026); Báo cáo năm: chưa đến hạn (hạn 16/12/2026). "
        "Nếu 2 văn bản chưa đến hạn không được ban hành đúng hạn, mất 0,50 điểm."
    )
    assert (leaf["risk_down"], leaf["gain_up"], leaf["fix_up"]) == (2, None, None)
    # §7.4: the deciding documents of the items on time and late, in candidate order
    assert (
        leaf["evidence"]
        == "12/BC-SYT; 13/03/2026; Báo cáo CCHC số 12 | 30/BC-SYT; 19/06/2026; Báo cáo CCHC số 30"
    )


def test_the_worked_example_of_9_2(tmp_path):
    items = [
        _item(PLAN, 1, "Kế hoạch chuyển đổi số năm 2026", "late", date(2025, 12, 31), date(2026, 1, 14), "5",
              requirement_name="Kế hoạch chuyển đổi số"),
    ]  # fmt: skip
    leaf = _leaf(_score(tmp_path, items, qlvb__digital_plan_on_time=(0, 1, Decimal("0.0000"))), "1.4")

    assert (leaf["status"], leaf["score"]) == ("computed", Decimal("1.00"))
    assert (
        "Kế hoạch chuyển đổi số năm 2026: trễ 14 ngày (14/01/2026, hạn 31/12/2025), được 50,00% số điểm"
        in (leaf["explanation"])
    )


def test_all_pending_is_not_applicable_and_unverifiable_is_missing_until_a_manual_row(tmp_path):
    pending = [{**row, "status": "pending"} for row in REPORT_ITEMS]
    unverifiable = [
        _item(FUNCTIONS, 1, "Quyết định", "unverifiable", None,
              requirement_name="Quy định chức năng, nhiệm vụ", coverage_start=date(2025, 7, 1)),
    ]  # fmt: skip
    rows = _score(
        tmp_path,
        pending + unverifiable,
        qlvb__cchc_reports_on_time=(0, 0, None),
        qlvb__functions_regulation_on_time=(0, 0, None),
    )
    assert (_leaf(rows, "1.3")["status"], _leaf(rows, "1.3")["note"]) == ("not_applicable", "Chưa đến hạn")
    leaf = _leaf(rows, "1.5")
    assert (leaf["status"], leaf["note"]) == ("missing", "Không kiểm chứng được: dữ liệu QLVB từ 01/07/2025")

    entry = ManualEntry(Decimal("2"), "QĐ 15/QĐ-SYT; 02/03/2020", None)
    manual = _leaf(
        _score(tmp_path, unverifiable, {"1.5": entry}, qlvb__functions_regulation_on_time=(0, 0, None)), "1.5"
    )
    assert (manual["status"], manual["score"], manual["evidence"]) == (
        "manual",
        Decimal("2.00"),
        entry.evidence,
    )
    assert manual["note"].endswith("Không kiểm chứng được: dữ liệu QLVB từ 01/07/2025")


def test_inspection_coverage_cites_each_inspected_divisions_earliest_document_once(tmp_path):
    """§7.7: two divisions named by one notice (cited once), a third by a later one; 3 of 10 divisions."""

    def division(code, number, day, inspected=True):
        return {
            "metric_code": "qlvb.inspection_coverage",
            "agency_code": A.code,
            "period_start": START,
            "period_end": END,
            "code_number": number,
            "code_notation": "TB-SYT",
            "promulgation_date": day,
            "subject": f"Thông báo kiểm tra CCHC {number}",
            "in_numerator": inspected,
        }

    documents = [
        division("01", "40", date(2026, 5, 4)),
        division("02", "40", date(2026, 5, 4)),
        division("03", "7", date(2026, 2, 1)),
        division("04", None, None, inspected=False),
    ]
    leaf = _leaf(_score(tmp_path, documents, qlvb__inspection_coverage=(3, 10, Decimal("0.3000"))), "1.6")

    assert (leaf["status"], leaf["score"]) == ("computed", Decimal("1.00"))
    assert leaf["evidence"] == (
        "7/TB-SYT; 01/02/2026; Thông báo kiểm tra CCHC 7 | 40/TB-SYT; 04/05/2026; Thông báo kiểm tra CCHC 40"
    )


def test_the_plan_keeps_its_section_2_evidence_and_is_explained_from_its_item(tmp_path):
    """qlvb.plan_on_time: its drill-down's candidates give the evidence (§2), its item the text (§10.4)."""
    candidate = {
        "metric_code": "qlvb.plan_on_time",
        "agency_code": A.code,
        "period_start": START,
        "period_end": END,
        "code_number": "3",
        "code_notation": "KH-SYT",
        "promulgation_date": date(2025, 12, 20),
        "subject": "Kế hoạch cải cách hành chính năm 2026",
        "in_numerator": True,
    }
    item = _item("qlvb.plan_on_time", 1, "Kế hoạch CCHC năm 2026", "on_time", date(2025, 12, 31),
                 date(2025, 12, 20), "3", requirement_name="Kế hoạch CCHC năm")  # fmt: skip
    leaf = _leaf(_score(tmp_path, [candidate, item], qlvb__plan_on_time=(1, 1, Decimal("1.0000"))), "1.7")

    assert leaf["evidence"] == "3/KH-SYT; 20/12/2025; Kế hoạch cải cách hành chính năm 2026"
    assert leaf["explanation"] == (
        "Kế hoạch CCHC năm: 1/1 văn bản ban hành đúng hạn; được 1,00/1,00 điểm. "
        "Kế hoạch CCHC năm 2026: đúng hạn (20/12/2025)."
    )


def test_two_catalogues_declaring_one_requirement_differently_fail_naming_both(tmp_path):
    first = _catalogue(tmp_path).path
    other = tmp_path / "other.yaml"
    other.write_text(
        CATALOGUE.replace("test-docreq@1", "test-docreq@2").replace("deadline: Y-03-16", "deadline: Y-03-20"),
        encoding="utf-8",
    )
    with pytest.raises(CatalogueError) as error:
        selected_catalogues(f"{first},{other}")
    assert str(error.value) == (
        f"{other}: requirement cchc_reports: declared differently in {first} and {other}"
    )


def test_template_so_2026_2_computes_52_of_the_70_self_assessed_points():
    """metrics.md §6b: 27 of 38 leaves computed (52 points), area 8 (30) external; §7.5's ten requirements.
    Needs the HR metrics of §8 (hr.leaders_within_limit, hr.job_position_rate, hr.rating_on_time_rate)."""
    catalogue = load_catalogue(
        Path(__file__).parents[2] / "scoring" / "catalogues" / "template-so@2026.2.yaml"
    )
    leaves = list(catalogue.leaves())
    computed = [leaf for leaf in leaves if not leaf.is_manual and not leaf.is_external]
    external = [leaf for leaf in leaves if leaf.is_external]

    assert (len(leaves), len(computed), sum(leaf.max_points for leaf in computed)) == (38, 27, 52)
    assert sum(leaf.max_points for leaf in external) == 30
    assert [r.id for r in catalogue.requirements] == [
        "plan", "inspection_plan", "cchc_reports", "legal_review", "law_monitoring", "tthc_review",
        "functions_regulation", "budget_disclosure", "digital_plan", "self_assessment",
    ]  # fmt: skip
