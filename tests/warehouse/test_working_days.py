from datetime import date, datetime

from tests.warehouse.batches import land
from tests.warehouse.conftest import rows
from warehouse.models import run_models

# 2025-04-30 (Wed), 05-01 (Thu) public holidays, 05-02 (Fri) compensatory day off: the week of 28 April has
# two working days (Mon 28, Tue 29), and Saturday 3 / Sunday 4 May are weekend days.
HOLIDAYS = [
    {
        "holiday_date": date(2025, 4, 30),
        "year": 2025,
        "holiday_name": "Giải phóng miền Nam",
        "day_kind": "Nghỉ lễ",
    },
    {
        "holiday_date": date(2025, 5, 1),
        "year": 2025,
        "holiday_name": "Quốc tế Lao động",
        "day_kind": "Nghỉ lễ",
    },
    {"holiday_date": date(2025, 5, 2), "year": 2025, "holiday_name": "Nghỉ bù", "day_kind": "Nghỉ bù"},
]


def feedback(key: str, received: datetime, answered: datetime | None) -> dict:
    return {
        "feedback_id": key,
        "agency_code": "H35.01",
        "received_at": received,
        "answered_at": answered,
        "updated_at": received,
    }


def test_fifteen_working_days_around_the_may_holidays(engine):
    land(engine, "ngay-nghi", HOLIDAYS)
    land(
        engine,
        "pakn",
        [
            # From Tue 29 Apr: 29 Apr = 1, then 5-9 May = 2..6, 12-16 May = 7..11, 19-22 May = 12..15.
            feedback("mon-28-apr", datetime(2025, 4, 28, 9, 0), datetime(2025, 5, 22, 16, 0)),
            # From Sat 26 Apr: 28, 29 Apr = 1, 2; 5-9 May = 3..7; 12-16 May = 8..12; 19-21 May = 13..15.
            feedback("fri-25-apr", datetime(2025, 4, 25, 15, 0), datetime(2025, 5, 22, 8, 0)),
            # Received on a holiday, from Fri 2 May (holiday): 5-9 May = 1..5, 12-16 = 6..10, 19-23 = 11..15.
            feedback("thu-1-may", datetime(2025, 5, 1, 10, 0), None),
        ],
    )
    run_models(engine)

    assert rows(
        engine,
        "SELECT feedback_id, deadline_date, deadline_at, is_answered_on_time, deadline_calendar_known"
        " FROM marts.fct_feedback ORDER BY feedback_id",
    ) == [
        ("fri-25-apr", date(2025, 5, 21), datetime(2025, 5, 22), False, True),  # answered 8:00 the day after
        ("mon-28-apr", date(2025, 5, 22), datetime(2025, 5, 23), True, True),  # answered on the last day
        ("thu-1-may", date(2025, 5, 23), datetime(2025, 5, 24), False, True),
    ]
    assert rows(
        engine,
        "SELECT date_day, is_holiday, is_working_day FROM marts.dim_date"
        " WHERE date_day BETWEEN DATE '2025-04-29' AND DATE '2025-05-05' ORDER BY date_day",
    ) == [
        (date(2025, 4, 29), False, True),
        (date(2025, 4, 30), True, False),
        (date(2025, 5, 1), True, False),
        (date(2025, 5, 2), True, False),
        (date(2025, 5, 3), False, False),
        (date(2025, 5, 4), False, False),
        (date(2025, 5, 5), False, True),
    ]
    # 2025 has holidays listed; 2026 is there for deadlines running into January, and is unknown.
    assert rows(
        engine,
        "SELECT year, COUNT(*), MIN(CAST(calendar_known AS INTEGER)), MAX(CAST(calendar_known AS INTEGER))"
        " FROM marts.dim_date GROUP BY year ORDER BY year",
    ) == [(2025, 365, 1, 1), (2026, 365, 0, 0)]
