"""The frame that `dvc.calendar_coverage` validates: which years a working-day count reaches, and how
many holidays the calendar holds for each."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date

import pandas as pd


def coverage_frame(years_reached: Iterable[int], holiday_dates: Iterable[date]) -> pd.DataFrame:
    """One row per year reached, in year order, with `holiday_count` 0 for a year the calendar lacks.

    `years_reached` are the years from the start of P to the latest deadline counted in working days (for
    PAKN received late in December, that is the next year).
    """
    per_year = Counter(day.year for day in holiday_dates)
    years = sorted(set(years_reached))
    return pd.DataFrame(
        {"year": pd.array(years, dtype="Int64"), "holiday_count": [per_year.get(y, 0) for y in years]}
    )
