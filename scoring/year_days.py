"""Days relative to the assessment year Y, as catalogues write deadlines (metrics.md §7.1, §9.7):
`Y-MM-DD`, `Y-1-MM-DD` or `Y+1-MM-DD`. Each caller words its own error around the two failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR_DAY = re.compile(r"^Y(?:([+-])(\d))?-(\d\d)-(\d\d)$")


class NotAYearDay(ValueError):
    """The text is not of the form Y-MM-DD, Y-1-MM-DD or Y+1-MM-DD."""


class NotADay(ValueError):
    """The form is right but the month and day are no day of any year (`Y-13-01`, `Y-02-30`)."""


@dataclass(frozen=True)
class YearDay:
    offset: int  # years after Y (negative: before)
    month: int
    day: int

    def on(self, year: int) -> date:
        return date(year + self.offset, self.month, self.day)


def parse_year_day(raw: object) -> YearDay:
    match = _YEAR_DAY.match(str(raw))
    if not match:
        raise NotAYearDay(raw)
    sign, years, month, day = match.groups()
    year_day = YearDay(int(years or 0) * (-1 if sign == "-" else 1), int(month), int(day))
    try:
        year_day.on(2000)  # a leap year: 29 February is a day in some years
    except ValueError:
        raise NotADay(raw) from None
    return year_day
