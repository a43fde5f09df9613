"""The periods P a year's metrics are computed for (metrics.md §0): the year, and its calendar months."""

from datetime import date, datetime, timedelta
from typing import NamedTuple


class Period(NamedTuple):
    year: int
    start: date
    end: date
    start_at: datetime
    end_at: datetime  # the end of P: the day after `end` at 00:00, or as_of in the year in progress


def as_date(value: date | datetime) -> date:
    """A period bound as a query returned it (a date, or a timestamp from some drivers) as a date."""
    return value.date() if isinstance(value, datetime) else value


def year_period(year: int, as_of: datetime) -> Period:
    return Period(
        year, date(year, 1, 1), date(year, 12, 31), datetime(year, 1, 1), min(datetime(year + 1, 1, 1), as_of)
    )


def month_periods(year: int, as_of: datetime) -> list[Period]:
    """The calendar months of the year that start before as_of; the last one ends at as_of when the month
    is still in progress (metrics.md §0)."""
    months = []
    for month in range(1, 13):
        start_at = datetime(year, month, 1)
        if start_at >= as_of:
            break
        next_start = datetime(year + month // 12, month % 12 + 1, 1)
        end = (next_start - timedelta(days=1)).date()
        months.append(Period(year, start_at.date(), end, start_at, min(next_start, as_of)))
    return months
