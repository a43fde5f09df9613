"""Scorecards of the hand-worked fixture (tests/scoring/fixture.py, where each number is worked out)."""

from decimal import Decimal

import pandas as pd

from scoring.scorecard import SCORECARD_COLUMNS, build_scorecards
from tests.scoring import fixture
from tests.scoring.conftest import rows_of

TEMPLATE = "template-so@2026.1"
QD766 = "qd766@2022"


def test_every_template_leaf_of_agency_a_equals_the_hand_worked_score(scorecard_rows, template):
    rows = rows_of(scorecard_rows, fixture.A, TEMPLATE)
    leaves = {leaf.code for leaf in template.leaves()}
    assert leaves == set(fixture.A_LEAVES)
    for code, (score, status) in fixture.A_LEAVES.items():
        assert (rows[code]["score"], rows[code]["status"]) == (score, status), code


def test_parents_and_total_of_agency_a_sum_their_children(scorecard_rows):
    rows = rows_of(scorecard_rows, fixture.A, TEMPLATE)
    for code, (maximum, score, status) in fixture.A_PARENTS.items():
        assert (rows[code]["max_points"], rows[code]["score"], rows[code]["status"]) == (
            maximum,
            score,
            status,
        )
    assert rows["TONG"]["metric_value"] == fixture.A_INDEX
    assert rows["TONG"]["level"] == "tong" and rows["TONG"]["parent_code"] is None


def test_edge_cases_of_agency_b(scorecard_rows):
    rows = rows_of(scorecard_rows, fixture.B, TEMPLATE)
    for code, (score, status) in fixture.B_LEAVES.items():
        assert (rows[code]["score"], rows[code]["status"]) == (score, status), code
    for code, (maximum, score, status) in fixture.B_PARENTS.items():
        assert (rows[code]["max_points"], rows[code]["score"], rows[code]["status"]) == (
            maximum,
            score,
            status,
        )
    assert rows["TONG"]["metric_value"] == fixture.B_INDEX


def test_missing_leaves_name_the_source_or_the_input_needed(scorecard_rows):
    b = rows_of(scorecard_rows, fixture.B, TEMPLATE)
    assert "HR (tệp xuất dữ liệu nhân sự)" in b["4.3"]["note"]
    assert "E-CABINET" in b["7.4"]["note"]
    assert "Không áp dụng" in b["3.3"]["note"]
    assert "dvc.on_time_rate" in b["3.4"]["note"]  # the population that has no case
    assert b["3.8"]["note"].startswith("Đạt điểm tối đa")
    c = rows_of(scorecard_rows, fixture.C, TEMPLATE)
    assert "DVC" in c["3.3"]["note"] and c["3.3"]["status"] == "missing"
    assert "QLVB" in c["1.1"]["note"]  # no row at all for the metric
    assert f"{fixture.YEAR}/{fixture.C.code}.xlsx" in c["1.2.1"]["note"]


def test_evidence_is_the_earliest_matching_document_or_the_drilldown_with_counts(scorecard_rows):
    a = rows_of(scorecard_rows, fixture.A, TEMPLATE)
    assert a["1.1"]["evidence"] == fixture.A_PLAN_EVIDENCE
    assert a["3.3"]["evidence"] == "marts.dd_dvc_on_time_rate (tử số 93, mẫu số 100)"
    assert a["1.2.1"]["evidence"] == "45/KH-SNV; 15/01/2026; Kế hoạch kiểm tra CCHC năm 2026"
    assert a["3.1"]["note"] == "Đã rà soát 12 TTHC; chưa có quyết định công bố"
    b = rows_of(scorecard_rows, fixture.B, TEMPLATE)
    # B's only plan is late (not in the numerator): nothing to cite but the drill-down.
    assert b["1.1"]["evidence"] == "marts.dd_qlvb_plan_on_time (tử số 0, mẫu số 1)"
    assert b["7.4"]["evidence"] is None


def test_computed_leaves_carry_metric_and_rule(scorecard_rows):
    a = rows_of(scorecard_rows, fixture.A, TEMPLATE)
    row = a["3.5"]
    assert (row["metric_code"], row["metric_value"], row["numerator"], row["denominator"], row["rule"]) == (
        "dvc.online_rate",
        Decimal("0.3775"),
        151,
        400,
        "linear_capped",
    )
    assert a["1.2.1"]["rule"] == "manual" and a["1.2.1"]["metric_code"] is None
    assert a["3"]["rule"] is None and a["3"]["level"] == "linh_vuc"
    assert a["1.2.1"]["level"] == "tieu_chi_thanh_phan" and a["1.2.1"]["parent_code"] == "1.2"


def test_agencies_with_no_data_score_zero_with_every_leaf_missing(scorecard_rows):
    c = rows_of(scorecard_rows, fixture.C, TEMPLATE)
    leaves = [r for r in c.values() if r["rule"] is not None]
    assert {r["status"] for r in leaves} == {"missing"}
    assert all(r["score"] is None for r in leaves)
    assert (c["TONG"]["max_points"], c["TONG"]["score"], c["TONG"]["metric_value"]) == (100, 0, Decimal("0"))


def test_catalogues_apply_by_unit_type_and_required_source(scorecard_rows):
    pairs = {(r["agency_code"], r["catalogue_id"]) for r in scorecard_rows}
    assert pairs == {
        (fixture.A.code, TEMPLATE),
        (fixture.B.code, TEMPLATE),
        (fixture.C.code, TEMPLATE),
        (fixture.D.code, TEMPLATE),
        # qd766 scores agencies with DVC data: A, B (PAKN rows) and X; not C and D.
        (fixture.A.code, QD766),
        (fixture.B.code, QD766),
        (fixture.X.code, QD766),
    }


def test_qd766_scores_of_agency_x(scorecard_rows):
    x = rows_of(scorecard_rows, fixture.X, QD766)
    for code, (score, status) in fixture.X_LEAVES.items():
        assert (x[code]["score"], x[code]["status"]) == (score, status), code
    assert (x["TONG"]["max_points"], x["TONG"]["score"], x["TONG"]["status"]) == fixture.X_TOTAL
    assert x["TONG"]["metric_value"] == fixture.X_INDEX


def test_rows_have_exactly_the_scorecard_columns_in_catalogue_order(scorecard_rows, template):
    assert all(tuple(r) == SCORECARD_COLUMNS for r in scorecard_rows)
    codes = [
        r["criterion_code"]
        for r in scorecard_rows
        if r["agency_code"] == fixture.A.code and r["catalogue_id"] == TEMPLATE
    ]
    assert codes == [node.code for node in template.nodes()] + ["TONG"]


def test_metric_rows_as_a_dataframe_give_the_same_scorecard(template):
    frame = pd.DataFrame(fixture.METRIC_ROWS)
    frame["value"] = frame["value"].map(lambda v: None if v is None else float(v))
    from_frame = build_scorecards([template], [fixture.A, fixture.B], fixture.YEAR, frame)
    from_dicts = build_scorecards([template], [fixture.A, fixture.B], fixture.YEAR, fixture.METRIC_ROWS)
    assert from_frame == from_dicts


def test_a_leaf_period_override_reads_the_metric_row_of_that_window(tmp_path):
    from scoring.catalogue import load_catalogue

    path = tmp_path / "c.yaml"
    path.write_text(
        "id: report@1\nname: Kỳ báo cáo\nunit_types: [so-ban-nganh]\nareas:\n"
        "  - code: '1'\n    name: Lĩnh vực\n    children:\n"
        "      - {code: '1.1', name: Đúng hạn, max_points: 4, metric: dvc.on_time_rate,\n"
        "         rule: linear_capped, parameters: {target: 1}, period: {start: Y-1-12-15, end: Y-12-14}}\n",
        encoding="utf-8",
    )
    catalogue = load_catalogue(path)
    report = {
        **fixture.METRIC_ROWS[1],
        "period_start": "2025-12-15",
        "period_end": "2026-12-14",
        "value": "0.5",
    }
    rows = build_scorecards([catalogue], [fixture.A], fixture.YEAR, [fixture.METRIC_ROWS[1], report])
    assert rows[1]["score"] == Decimal("2.00")  # 4 × 0.5 from the report-period row, not 0.93 of the year


def test_a_leaf_not_applicable_for_the_unit_type_leaves_the_maximum(tmp_path):
    from scoring.catalogue import load_catalogue

    path = tmp_path / "c.yaml"
    path.write_text(
        "id: na@1\nname: Miễn trừ\nunit_types: [so-ban-nganh]\nareas:\n"
        "  - code: '1'\n    name: Lĩnh vực\n    children:\n"
        "      - {code: '1.1', name: A, max_points: 4, rule: manual, not_applicable_for: [so-ban-nganh]}\n"
        "      - {code: '1.2', name: B, max_points: 6, metric: dvc.on_time_rate, rule: binary}\n",
        encoding="utf-8",
    )
    rows = build_scorecards([load_catalogue(path)], [fixture.A], fixture.YEAR, fixture.METRIC_ROWS)
    by_code = {r["criterion_code"]: r for r in rows}
    assert by_code["1.1"]["status"] == "not_applicable"
    assert by_code["1"]["max_points"] == 6 and by_code["TONG"]["max_points"] == 6
