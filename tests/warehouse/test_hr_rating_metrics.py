"""The rating metrics of metrics.md §8.2 on a hand-built year 2026, every number worked out here from the
fixture, at three cut-offs t; the deadline D is the default rating_deadline Y-12-14.

One agency A = H35.01 with its December 2026 export:
- P1 công chức since 2015, rated HTTNV by 45/QĐ on 10/12/2026 (on time);
- P2 viên chức since 2018, rated HTNV by 46/QĐ on 20/12/2026 (late);
- P3 công chức since 01/09/2026: service starts after 1 July, not in M (and has no row);
- P4 hợp đồng lao động since 2016: not in M;
- P5 cán bộ since 2010, without a rating row;
- P6 công chức since 2019, rated HTXSNV without NgayQuyetDinh (rated, not on time).

M = {P1, P2, P5, P6}. Past year (t = 1/1/2027) and t = 15/12/2026 00:00 (= D + 1 day, nobody pending):
on time 1/4. t = 14/12/2026 12:00 (< D + 1 day): P2, P5 and P6 have no row decided by D and are pending,
so 1/1. Rated members P1, P2, P6: good (HTXSNV, HTTNV) = P1, P6 → 2/3. Công chức of M with a row: P1 HTTNV,
P6 HTXSNV: 5 × 1 ≤ 1 is false → 0/1.
"""

from datetime import datetime
from decimal import Decimal

import pytest

from scoring import metric_parameters
from tests.etl.hr_fixtures import quota_row, rating_row, staff_row, write_export
from tests.warehouse.conftest import rows, year_period
from tests.warehouse.hr_landing import land_hr_folder
from warehouse.metric_parameters import set_metric_parameters
from warehouse.metric_values import compute_metrics
from warehouse.models import run_models

A = "H35.01"
AGENCIES = [
    {"agency_code": A, "old_code": "000.00.01.H35", "agency_name": "Văn phòng", "unit_type": "so-ban-nganh"}
]
RATINGS = ("hr.rating_on_time_rate", "hr.rating_good_rate", "hr.excellent_within_cap")


@pytest.fixture
def warehouse(engine, tmp_path):
    write_export(
        tmp_path / "nhansu_H35.01_202612.xlsx",
        staff=[
            staff_row(1, "CB001", "000000000001", "Công chức", "02/01/2015"),
            staff_row(2, "CB002", "000000000002", "Viên chức", "01/07/2018"),
            staff_row(3, "CB003", "000000000003", "Công chức", "01/09/2026"),
            staff_row(4, "CB004", "000000000004", "Hợp đồng lao động", "01/01/2016"),
            staff_row(5, "CB005", "000000000005", "Cán bộ", "01/01/2010"),
            staff_row(6, "CB006", "000000000006", "Công chức", "01/01/2019"),
        ],
        quota=[quota_row(2026, 5)],
        training=[],
        discipline=[],
        rating=[
            rating_row(1, "CB001", 2026, "HTTNV", "45/QĐ", "10/12/2026"),
            rating_row(2, "CB002", 2026, "Hoàn thành nhiệm vụ", "46/QĐ", "20/12/2026"),
            rating_row(3, "CB006", 2026, "HTXSNV"),
            rating_row(4, "CB001", 2025, "HTXSNV", "1/QĐ", "10/12/2025"),  # another year: not read
        ],
    )
    land_hr_folder(engine, tmp_path, AGENCIES, datetime(2027, 1, 5))
    set_metric_parameters(engine, 2026, metric_parameters.rows({}, 2026))
    run_models(engine)
    return engine


def ratings_at(engine, as_of: datetime) -> dict[str, tuple]:
    compute_metrics(engine, 2026, as_of, datetime(2027, 1, 5, 9))
    codes = ", ".join(f"'{code}'" for code in RATINGS)
    found = rows(
        engine,
        "SELECT metric_code, numerator, denominator, value FROM marts.metric_value"
        f" WHERE agency_code = '{A}' AND metric_code IN ({codes}) AND {year_period(2026)}",
    )
    return {code: (n, d, v) for code, n, d, v in found}


@pytest.mark.parametrize("as_of", [datetime(2027, 1, 1), datetime(2026, 12, 15)])
def test_after_the_deadline_nobody_is_pending(warehouse, as_of):
    assert ratings_at(warehouse, as_of) == {
        "hr.rating_on_time_rate": (1, 4, Decimal("0.2500")),
        "hr.rating_good_rate": (2, 3, Decimal("0.6667")),
        "hr.excellent_within_cap": (0, 1, Decimal("0.0000")),
    }


def test_before_the_deadline_members_without_an_on_time_row_are_pending(warehouse):
    assert ratings_at(warehouse, datetime(2026, 12, 14, 12))["hr.rating_on_time_rate"] == (
        1,
        1,
        Decimal("1.0000"),
    )
