"""Scorecards of the hand-worked fixture (tests/scoring/fixture.py, where each number is worked out)."""

from decimal import Decimal

import pandas as pd

from scoring.scorecard import SCORECARD_COLUMNS, build_scorecards
from tests.scoring import fixture
from tests.scoring.conftest import FALLBACK_CATALOGUE, rows_of

TEMPLATE = "template-so@2026.1"
QD766 = "qd766@2022"


def assert_parents(rows, parents):
    """Each parent's (max_points, score, status) equals the hand-worked one."""
    for code, (maximum, score, status) in parents.items():
        assert (rows[code]["max_points"], rows[code]["score"], rows[code]["status"]) == (
            maximum,
            score,
            status,
        ), code


def test_every_template_leaf_of_agency_a_equals_the_hand_worked_score(scorecard_rows, template):
    rows = rows_of(scorecard_rows, fixture.A, TEMPLATE)
    leaves = {leaf.code for leaf in template.leaves()}
    assert leaves == set(fixture.A_LEAVES)
    for code, (score, status) in fixture.A_LEAVES.items():
        assert (rows[code]["score"], rows[code]["status"]) == (score, status), code


def test_parents_and_total_of_agency_a_sum_their_children(scorecard_rows):
    rows = rows_of(scorecard_rows, fixture.A, TEMPLATE)
    assert_parents(rows, fixture.A_PARENTS)
    assert rows["TONG"]["metric_value"] == fixture.A_INDEX
    assert rows["TONG"]["level"] == "tong" and rows["TONG"]["parent_code"] is None


def test_edge_cases_of_agency_b(scorecard_rows):
    rows = rows_of(scorecard_rows, fixture.B, TEMPLATE)
    for code, (score, status) in fixture.B_LEAVES.items():
        assert (rows[code]["score"], rows[code]["status"]) == (score, status), code
    assert_parents(rows, fixture.B_PARENTS)
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


# ---- explanations (metrics.md §10) and external areas (§9.5) ----


def test_computed_leaves_carry_the_explanation_and_numbers(scorecard_rows):
    a = rows_of(scorecard_rows, fixture.A, TEMPLATE)
    # 7.1: 190/200 = 0.9500, band 0.90 → 1 of 2. z: (190 + z)/200 ≥ 0.99995 ⇔ z ≥ 9.99 → 10; y: (190 + y) /
    # (200 + y) ≥ 0.99995 ⇔ 0.00005 y ≥ 9.99 → 199800; x: 190/211 = 0.9005 keeps 1, 190/212 = 0.8962 → 12.
    row = a["7.1"]
    assert (row["risk_down"], row["gain_up"], row["fix_up"]) == (12, 199800, 10)
    assert row["explanation"] == (
        "Đạt 95,00% (190/200 văn bản điện tử); được 1,00/2,00 điểm (mức ≥ 90,00%). Mức 2,00 điểm cần ≥ "
        "100,00%: thiếu 10 văn bản điện tử. Thêm 12 văn bản giấy sẽ còn 0,00 điểm."
    )
    # 3.5: 151/400 = 0.3775 of 0.50 → 2.27 of 3. 3.00 needs 6 v ≥ 2.995: v ≥ 0.4992 → 200/400, z = 49;
    # 151/401 = 0.3766 gives 2.26: x = 1.
    assert a["3.5"]["explanation"] == (
        "Đạt 37,75% (151/400 hồ sơ trực tuyến); được 2,27/3,00 điểm (đủ điểm từ 50,00%). Mức 3,00 điểm cần ≥ "
        "50,00%: thiếu 49 hồ sơ trực tuyến. Thêm 1 hồ sơ trực tiếp, bưu chính sẽ còn 2,26 điểm."
    )
    assert (a["3.5"]["risk_down"], a["3.5"]["fix_up"]) == (1, 49)
    assert a["5.5"]["explanation"] == "2 quyết định kỷ luật trong kỳ; được 0,00/1,00 điểm."
    assert (a["5.5"]["risk_down"], a["5.5"]["gain_up"], a["5.5"]["fix_up"]) == (None, None, None)
    # qd766 5.1: 0.8000 of target 0.90 → 8.00 of 9; late share 7/100 of dvc.on_time_rate.
    assert rows_of(scorecard_rows, fixture.A, QD766)["5.1"]["explanation"] == (
        "Đạt 80,00% (hồ sơ không bị phản ánh hay đánh giá không hài lòng, trừ tỷ lệ trễ hạn 7,00%); "
        "được 8,00/9,00 điểm (đủ điểm từ 90,00%)."
    )


def test_leaves_without_cases_explain_by_their_note_and_others_stay_empty(scorecard_rows):
    b = rows_of(scorecard_rows, fixture.B, TEMPLATE)
    # 3.8 full with no PAKN: 1 of 1; one PAKN answered late (0/1) would lose the point.
    assert b["3.8"]["explanation"] == b["3.8"]["note"]
    assert (b["3.8"]["risk_down"], b["3.8"]["gain_up"], b["3.8"]["fix_up"]) == (1, None, None)
    a = rows_of(scorecard_rows, fixture.A, TEMPLATE)
    for row in (
        b["4.3"],
        b["3.3"],
        a["1.2.1"],
        a["1.1"],
        a["3"],
        a["TONG"],
    ):  # missing, n/a, manual, §7, parents
        assert (row["explanation"], row["risk_down"], row["gain_up"], row["fix_up"]) == (None,) * 4


def test_within_quota_reads_its_drilldown(template):
    quota = {
        "agency_code": fixture.A.code,
        "metric_code": "hr.within_quota",
        "period_start": fixture.START,
        "period_end": fixture.END,
        "civil_servants": 38,
        "civil_servant_quota": 40,
    }
    rows = build_scorecards([template], [fixture.A], fixture.YEAR, fixture.METRIC_ROWS, detail_rows=[quota])
    row = rows_of(rows, fixture.A, TEMPLATE)["4.3"]
    assert row["explanation"] == (
        "Có 38 công chức/40 biên chế được giao; được 1,00/1,00 điểm. Thêm 3 công chức sẽ vượt biên chế."
    )
    assert (row["risk_down"], row["gain_up"], row["fix_up"]) == (3, None, None)


def test_external_area_leaves_the_total(tmp_path):
    from scoring.catalogue import load_catalogue

    path = tmp_path / "c.yaml"
    path.write_text(
        "id: c@1\nname: C\nunit_types: [so-ban-nganh]\nareas:\n"
        "  - {code: '1', name: A, children: [{code: '1.1', name: B, max_points: 20, metric: dvc.on_time_rate,"
        " rule: proportional}, {code: '1.2', name: E, max_points: 4, metric: dvc.online_rate,"
        " rule: linear_capped, parameters: {target: 0.5}, when_no_cases: zero}]}\n"
        "  - {code: '2', name: S, children: [{code: '2.1', name: K, max_points: 15, rule: external},"
        " {code: '2.2', name: L, max_points: 15, rule: external}]}\n",
        encoding="utf-8",
    )
    metric_rows = [
        {
            **fixture.METRIC_ROWS[1],
            "agency_code": fixture.B.code,
            "numerator": 93,
            "denominator": 100,
            "value": Decimal("0.9300"),
        },
        {
            **fixture.METRIC_ROWS[4],
            "agency_code": fixture.B.code,
            "numerator": 0,
            "denominator": 0,
            "value": None,
        },
    ]
    rows = rows_of(
        build_scorecards([load_catalogue(path)], [fixture.B], fixture.YEAR, metric_rows), fixture.B, "c@1"
    )
    # 1.1: 20 × 0.93 = 18.60; 1.2: no dossier received, scored 0 (§9.4).
    assert (rows["1.1"]["score"], rows["1.1"]["rule"]) == (Decimal("18.60"), "proportional")
    assert (rows["1.2"]["score"], rows["1.2"]["status"]) == (Decimal("0.00"), "computed")
    assert rows["1.2"]["note"] == "Không phát sinh; 0 điểm theo cách tính của Cổng DVC quốc gia"
    assert (rows["2.1"]["status"], rows["2.1"]["score"], rows["2.1"]["rule"]) == (
        "external",
        None,
        "external",
    )
    assert rows["2.1"]["note"] == "Do cơ quan có thẩm quyền điều tra, đánh giá"
    assert (rows["2"]["status"], rows["2"]["score"], rows["2"]["max_points"]) == ("external", None, 30)
    # TỔNG: 24 points of the self-assessment, 18.60 given; 18.60 / 24 = 0.775.
    assert (rows["TONG"]["max_points"], rows["TONG"]["score"], rows["TONG"]["status"]) == (
        24,
        Decimal("18.60"),
        "computed",
    )
    assert rows["TONG"]["metric_value"] == Decimal("0.7750")


def test_a_fallback_leaf_uses_the_manual_row_only_when_it_would_be_missing(tmp_path, caplog):
    from scoring.catalogue import load_catalogue
    from scoring.scorecard import ManualEntry

    path = tmp_path / "c@1.yaml"
    path.write_text(FALLBACK_CATALOGUE, encoding="utf-8")
    catalogue = load_catalogue(path)
    entry = ManualEntry(Decimal("1.5"), "15/QĐ-SNV; 03/03/2021; Quy định chức năng", "Ban hành trước kỳ")
    manual = {agency.code: {"c@1": {"4.1": entry}} for agency in (fixture.A, fixture.C)}
    rows = build_scorecards([catalogue], [fixture.A, fixture.C], fixture.YEAR, fixture.METRIC_ROWS, manual)
    # C has no QLVB data: the leaf would be missing, so the officer's 1.5 counts, with the reason.
    c = rows_of(rows, fixture.C, "c@1")["4.1"]
    assert (c["status"], c["rule"], c["score"], c["evidence"]) == (
        "manual",
        "manual",
        Decimal("1.50"),
        entry.evidence,
    )
    assert c["note"].startswith(
        "Không tính được từ dữ liệu, dùng điểm nhập thủ công. Thiếu dữ liệu: nguồn QLVB"
    )
    assert c["note"].endswith("Giải trình: Ban hành trước kỳ")
    # A's plan is on time (1/1): computed, 2 points; the row is ignored with a warning.
    a = rows_of(rows, fixture.A, "c@1")["4.1"]
    assert (a["status"], a["rule"], a["score"]) == ("computed", "binary", Decimal("2.00"))
    assert "H35.02, c@1 4.1: computed from the data; its manual-input row is ignored" in caplog.text
