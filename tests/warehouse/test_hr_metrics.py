"""HR metrics of a hand-built year (metrics.md §4), every number worked out below from the fixture.

Agencies (configuration): A = H35.01 (its files named with the old code 000.00.01.H35), B = H35.02,
C = H35.03 without exports. Baseline year 2025. Exports of A: 202511 and 202512; of B: 202512.

A 202512, the snapshot of A for 2025: P1 công chức serving (CB001), P2 viên chức serving (CB002), P3 công
chức "Chuyển công tác" (CB003), P4 công chức serving since 1/1/2020 (CB004, person 000000000004).
B 202512: P4 again, serving since 1/6/2025 (the later NgayVeDonVi: B keeps P4, A's row is
duplicate_person), P5 công chức serving (CB005).

- hr.civil_servants: A = P1 → 1 (P3 left, P4 is quarantined); B = P4, P5 → 2.
- hr.within_quota: A 1 ≤ 2 (BienChe 2025) → 1/1; B 2 > 1 → 0/1.
- hr.training_rate: serving staff A = P1, P2; P1 completed a course ending 28/02/2025 (Hoàn thành) → 1/2 =
  0.5; P2's course ended in 2024 → not counted. B = P4, P5 with no DaoTao row of B → 0/2.
- hr.discipline_cases: A's decisions 15/QĐ (listed in 202511 and 202512: once) and 9/QĐ (only in
  202511), both dated 2025 → 2; a 2024 decision 3/QĐ listed in 202512 is not in P. B: none → 0.
- hr.civil_servant_reduction: the baseline (December 2025) is the snapshot itself: A (1 − 1)/1 = 0,
  B (2 − 2)/2 = 0.
- C: no export → every HR metric undefined.
"""

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from tests.e2e.hr_oracle import HR_METRICS
from tests.etl.hr_fixtures import (
    discipline_row,
    quota_row,
    staff_row,
    training_row,
    write_export,
)
from tests.warehouse.conftest import rows, year_period
from tests.warehouse.hr_landing import land_hr_folder
from warehouse.hr_baseline import set_baseline_year
from warehouse.metric_values import compute_metrics
from warehouse.models import run_models

A, B, C = "H35.01", "H35.02", "H35.03"
AGENCIES = [
    {"agency_code": A, "old_code": "000.00.01.H35", "agency_name": "Văn phòng", "unit_type": "so-ban-nganh"},
    {"agency_code": B, "old_code": "000.00.02.H35", "agency_name": "Sở Nội vụ", "unit_type": "so-ban-nganh"},
    {"agency_code": C, "old_code": "000.00.03.H35", "agency_name": "Sở Tư pháp", "unit_type": "so-ban-nganh"},
]
P4 = "000000000004"


def write_exports(folder: Path) -> None:
    write_export(
        folder / "nhansu_000.00.01.H35_202512.xlsx",
        staff=[
            staff_row(1, "CB001", "000000000001", "Công chức", "02/01/2015"),
            staff_row(2, "CB002", "000000000002", "Viên chức", "01/07/2018"),
            staff_row(3, "CB003", "000000000003", "Công chức", "01/01/2012", "Chuyển công tác", "15/12/2025"),
            staff_row(4, "CB004", P4, "Công chức", "01/01/2020"),
        ],
        quota=[quota_row(2025, 2)],
        training=[
            training_row(1, "CB001", "Tin học cơ bản", "01/02/2025", "28/02/2025", "Hoàn thành"),
            training_row(2, "CB002", "Ngoại ngữ", "01/11/2024", "20/12/2024", "Hoàn thành"),
        ],
        discipline=[
            discipline_row(1, "CB003", "15/QĐ", "10/02/2025"),
            discipline_row(2, "CB003", "3/QĐ", "10/02/2024"),
        ],
    )
    write_export(
        folder / "nhansu_H35.01_202511.xlsx",
        staff=[staff_row(1, "CB001", "000000000001", "Công chức", "02/01/2015")],
        quota=[quota_row(2025, 2)],
        training=[],
        discipline=[
            discipline_row(1, "CB003", "15/QĐ", "10/02/2025"),
            discipline_row(2, "CB002", "9/QĐ", "05/01/2025"),
        ],
    )
    write_export(
        folder / "nhansu_H35.02_202512.xlsx",
        staff=[
            staff_row(1, "CB004", P4, "Công chức", "01/06/2025"),
            staff_row(2, "CB005", "000000000005", "Công chức", "01/01/2019"),
        ],
        quota=[quota_row(2025, 1)],
        training=[],
        discipline=[],
    )


@pytest.fixture
def warehouse(engine, tmp_path):
    write_exports(tmp_path)
    land_hr_folder(engine, tmp_path, AGENCIES, datetime(2026, 1, 5))
    set_baseline_year(engine, 2025)
    run_models(engine)
    compute_metrics(engine, 2025, datetime(2026, 1, 1), datetime(2026, 1, 5, 9))
    return engine


# The numbers worked out in the module's docstring (the HR oracle's test expects them too).
HAND_WORKED = {
    (A, "hr.civil_servants"): (1, 1, Decimal("1.0000")),
    (A, "hr.within_quota"): (1, 1, Decimal("1.0000")),
    (A, "hr.training_rate"): (1, 2, Decimal("0.5000")),
    (A, "hr.discipline_cases"): (2, 1, Decimal("2.0000")),
    (A, "hr.civil_servant_reduction"): (0, 1, Decimal("0.0000")),
    (B, "hr.civil_servants"): (2, 1, Decimal("2.0000")),
    (B, "hr.within_quota"): (0, 1, Decimal("0.0000")),
    (B, "hr.training_rate"): (0, 2, Decimal("0.0000")),
    (B, "hr.discipline_cases"): (0, 1, Decimal("0.0000")),
    (B, "hr.civil_servant_reduction"): (0, 2, Decimal("0.0000")),
    **{
        (C, code): (None, None, None)
        for code in (
            "hr.civil_servants",
            "hr.within_quota",
            "hr.training_rate",
            "hr.discipline_cases",
            "hr.civil_servant_reduction",
        )
    },
}


def metric_rows(engine) -> dict[tuple[str, str], tuple]:

    codes = ", ".join(f"'{code}'" for code in HR_METRICS)
    found = rows(
        engine,
        "SELECT agency_code, metric_code, numerator, denominator, value FROM marts.metric_value"
        f" WHERE metric_code IN ({codes}) AND {year_period(2025)}",
    )
    return {(agency, code): (n, d, v) for agency, code, n, d, v in found}


def test_every_hr_metric_of_every_agency(warehouse):
    assert metric_rows(warehouse) == HAND_WORKED


def test_the_earlier_transfer_row_is_quarantined_as_duplicate_person(warehouse):
    found = rows(
        warehouse,
        "SELECT agency_code, entity, field, locator FROM quarantine.rejected_record"
        " WHERE reason_code = 'duplicate_person' AND released_at IS NULL",
    )
    assert found == [(A, "can-bo", "SoDinhDanhCaNhan", "nhansu_000.00.01.H35_202512.xlsx#CanBo!R6")]


def test_the_quarantined_row_is_counted_in_the_populations_it_left(warehouse):
    # A's P4 row (export of December 2025, in P) is missing from every metric that counts CanBo rows.
    found = rows(
        warehouse,
        "SELECT metric_code, agency_code, reason_code, n FROM marts.dd_quarantine_count"
        f" WHERE metric_code LIKE 'hr.%' AND {year_period(2025)} ORDER BY metric_code",
    )
    assert found == [
        (code, A, "duplicate_person", 1)
        for code in ("hr.civil_servant_reduction", "hr.civil_servants", "hr.training_rate", "hr.within_quota")
    ]
