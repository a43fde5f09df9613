"""The catalogue `qd766@2026` (metrics.md §11.2): every row of the contract's table, and the portal's scoring
of a few leaves, among them empty denominators under `when_no_cases: zero` (§9.4, §13.10) and an agency
without DVC data (§13.8). Expected scores are worked out by hand beside each row from §5 and §9.1."""

from datetime import date
from decimal import Decimal

import pytest

from scoring.catalogue import resolve_catalogue
from scoring.scorecard import ZERO_NOTE, Agency, build_scorecards

D = Decimal
YEAR = 2026

# metrics.md §11.2, row by row: code → (max, metric, rule, target, when no cases); None where the table has
# "—".
TABLE = {
    "1.1": (6, None, "manual", None, None),
    "1.2": (4, None, "manual", None, None),
    "1.3": (2, None, "manual", None, None),
    "1.4": (6, None, "manual", None, None),
    "2.1": (20, "dvc.progress_rate", "proportional", None, "zero"),
    "3.1": (2, "dvc.online_procedure_rate", "linear_capped", D("0.80"), "zero"),
    "3.2": (4, "dvc.online_service_use_rate", "proportional", None, "zero"),
    "3.3": (6, "dvc.online_rate", "linear_capped", D("0.50"), "zero"),
    "4.1": (6, "dvc.e_result_paper_rate", "proportional", None, "not_applicable"),
    "4.2": (4, "dvc.digitised_complete_rate", "proportional", None, "not_applicable"),
    "4.3": (2, None, "manual", None, None),
    "4.4": (2, "dvc.reuse_rate", "linear_capped", D("0.80"), "not_applicable"),
    "4.5": (4, "dvc.national_store_rate", "proportional", None, "not_applicable"),
    "4.6": (2, "dvc.vneid_rate", "proportional", None, "not_applicable"),
    "4.7": (2, None, "manual", None, None),
    "5.1": (6, "dvc.pakn_deadlines_rate", "proportional", None, "full"),
    "5.2": (6, "dvc.pakn_satisfaction_rate", "proportional", None, "full"),
    "5.3": (6, "dvc.satisfaction_rate", "linear_capped", D("0.90"), "zero"),
    "6.1": (6, "dvc.online_payment_rate", "proportional", None, "zero"),
    "6.2": (2, "dvc.fee_procedure_paid_online_rate", "linear_capped", D("0.80"), "zero"),
    "6.3": (2, "dvc.fee_procedure_online_rate", "linear_capped", D("0.80"), "zero"),
}
COMPUTED_METRICS = sorted({leaf[1] for leaf in TABLE.values() if leaf[1]})
# The portal's group maxima (§11): Công khai 18, Tiến độ 20, DVC trực tuyến 12, Số hóa 22, Hài lòng 18,
# Thanh toán 10.
AREAS = {"1": 18, "2": 20, "3": 12, "4": 22, "5": 18, "6": 10}


@pytest.fixture(scope="module")
def qd766_2026():
    return resolve_catalogue("qd766@2026")


def test_every_row_of_the_contract_table(qd766_2026):
    assert qd766_2026.id == "qd766@2026"
    assert qd766_2026.requires_data_from == {"dvc"}
    assert qd766_2026.unit_types == {"so-ban-nganh", "xa-phuong", "cnvpdk", "quan-huyen"}
    assert {area.code: area.max_points for area in qd766_2026.areas} == AREAS
    leaves = {
        leaf.code: (
            leaf.max_points,
            leaf.metric,
            leaf.rule.name,
            leaf.rule.target,
            None if leaf.is_manual else leaf.when_no_cases,
        )
        for leaf in qd766_2026.leaves()
    }
    assert leaves == TABLE
    computed = sum(leaf.max_points for leaf in qd766_2026.leaves() if not leaf.is_manual)
    manual = sum(leaf.max_points for leaf in qd766_2026.leaves() if leaf.is_manual)
    assert (computed, manual, qd766_2026.max_points) == (78, 22, 100)


def test_the_2022_catalogue_stays_loadable_beside_it():
    assert resolve_catalogue("qd766@2022").max_points == 100


def _row(agency: str, metric: str, numerator, denominator, value) -> dict:
    return {
        "agency_code": agency,
        "metric_code": metric,
        "period_start": date(YEAR, 1, 1),
        "period_end": date(YEAR, 12, 31),
        "numerator": numerator,
        "denominator": denominator,
        "value": None if value is None else D(value),
    }


WARD = Agency("H35.40", "Ủy ban nhân dân phường Tân Phong", "xa-phuong")  # DVC data, empty populations
DEPARTMENT = Agency("H35.02", "Sở Nội vụ", "so-ban-nganh")  # DVC data with cases
OFFICE = Agency("H35.06", "Thanh tra tỉnh", "so-ban-nganh")  # no DVC data at all

METRIC_ROWS = [
    # The ward: one PAKN record, so it has DVC data, but no dossier and no procedure.
    *(
        _row(WARD.code, metric, 0, 0, None)
        for metric in COMPUTED_METRICS
        if not metric.startswith("dvc.pakn_")
    ),
    _row(WARD.code, "dvc.pakn_deadlines_rate", 0, 0, None),
    _row(WARD.code, "dvc.pakn_satisfaction_rate", 0, 0, None),
    # The department: 193 of 200 dossiers on time or within time: 20 × 0.9650 = 19.30 (proportional).
    _row(DEPARTMENT.code, "dvc.progress_rate", 193, 200, "0.9650"),
    # 20 of 40 procedures online: v = 0.5000, min(2, 2 × 0.5 / 0.80) = 1.25.
    _row(DEPARTMENT.code, "dvc.online_procedure_rate", 20, 40, "0.5000"),
    # 9 of 9 fee procedures paid online: v = 1, min(2, 2 × 1 / 0.80) = 2.00 (capped).
    _row(DEPARTMENT.code, "dvc.fee_procedure_paid_online_rate", 9, 9, "1.0000"),
    # 2 of 3 PAKN within every limit: 6 × 0.6667 = 4.0002 → 4.00.
    _row(DEPARTMENT.code, "dvc.pakn_deadlines_rate", 2, 3, "0.6667"),
    # No completed dossier of a paper-result procedure: 4.1 is not applicable.
    _row(DEPARTMENT.code, "dvc.e_result_paper_rate", 0, 0, None),
    *(_row(OFFICE.code, metric, None, None, None) for metric in COMPUTED_METRICS),
]


@pytest.fixture(scope="module")
def scored(qd766_2026):
    rows = build_scorecards([qd766_2026], [WARD, DEPARTMENT, OFFICE], YEAR, METRIC_ROWS)
    return {(row["agency_code"], row["criterion_code"]): row for row in rows}


def test_empty_denominators_score_as_the_portal_does(scored):
    ward = {code: scored[(WARD.code, code)] for code in TABLE}
    # when_no_cases: zero (groups 2, 3, 5.3, 6): computed, 0 points, the portal's note.
    for code in ("2.1", "3.1", "3.2", "3.3", "5.3", "6.1", "6.2", "6.3"):
        assert (ward[code]["status"], ward[code]["score"], ward[code]["note"]) == (
            "computed",
            D("0.00"),
            ZERO_NOTE,
        ), code
    assert ZERO_NOTE == "Không phát sinh; 0 điểm theo cách tính của Cổng DVC quốc gia"
    # when_no_cases: full (5.1, 5.2): full points; not_applicable (group 4): out of score and maximum.
    assert (ward["5.1"]["status"], ward["5.1"]["score"]) == ("computed", D("6.00"))
    assert (ward["5.2"]["status"], ward["5.2"]["score"]) == ("computed", D("6.00"))
    assert {ward[code]["status"] for code in ("4.1", "4.2", "4.4", "4.5", "4.6")} == {"not_applicable"}


def test_leaves_with_cases(scored):
    department = {code: scored[(DEPARTMENT.code, code)] for code in ("2.1", "3.1", "6.2", "5.1", "4.1")}
    assert department["2.1"]["score"] == D("19.30")
    assert department["3.1"]["score"] == D("1.25")
    assert department["6.2"]["score"] == D("2.00")
    assert department["5.1"]["score"] == D("4.00")
    assert department["4.1"]["status"] == "not_applicable"


def test_an_agency_without_dvc_data_gets_no_rows(scored):
    """metrics.md §13.8: qd766@* needs DVC data."""
    assert not [key for key in scored if key[0] == OFFICE.code]
