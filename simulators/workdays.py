"""Holiday calendar and working-day arithmetic (sources.md §2.6, §2.10)."""

from dataclasses import dataclass
from datetime import date

import numpy as np

from simulators.configuration import load


@dataclass(frozen=True)
class Holiday:
    day: date
    name: str
    kind: str


class HolidayCalendar:
    """The holidays of the years Y-1, Y and Y+1, as the `ngay-nghi` resource serves them."""

    def __init__(self, years: range):
        configured = load("holidays")
        missing = [year for year in years if year not in configured]
        if missing:
            raise ValueError(f"holidays.yaml has no entries for {missing}")
        self.holidays = [Holiday(day, name, kind) for year in years for day, name, kind in configured[year]]
        self.years = years
        self._busdays = np.busdaycalendar(
            weekmask="1111100", holidays=np.array([h.day for h in self.holidays], dtype="datetime64[D]")
        )

    def add_working_days(self, days: np.ndarray, count: np.ndarray) -> np.ndarray:
        """The date `count` working days after each date, counting from the next day.

        Rolling a non-working start back to the previous working day leaves the working days that
        follow it unchanged, so the offset can start from there.
        """
        return np.busday_offset(days, count, roll="backward", busdaycal=self._busdays)

    def is_working_day(self, days: np.ndarray) -> np.ndarray:
        return np.is_busday(days, busdaycal=self._busdays)
