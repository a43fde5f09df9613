"""Independent oracle for the DVC metrics of metrics.md §0–1, in plain Python over contract records.

This module is the end-to-end tests' second opinion on the warehouse: it shares no code with `etl/` or
`warehouse/` and uses only the standard library, so a mistake in the pipeline is not mirrored here.

Input records are dicts with the field names and wire formats of sources.md §2 (what the simulator's
`sim.truth(entity)` returns): date-times `yyyyMMddHHmmss` in local time, dates `yyyyMMdd`, flags and codes as
strings, `""` for an absent value. The reader is tolerant of the other absent forms of §1.6 (`None`, a missing
key, `00010101000000`), of numbers sent in place of code strings (Q8), and of NFD text and letter case in
enumerations (Q2, Q4), so that it can also read records as served.

Interpretations, where metrics.md leaves a choice:
- A record served in several versions counts once, in its latest version (greatest `NgayCapNhat`; on a
  tie the later one in the input).
- "The end of P" is the day after the period's last day at 00:00, or `as_of` when that is earlier
  (metrics.md §0, the year in progress). An agency is active in P when `NgayHieuLuc` (if any) is before the
  end of P and `NgayHetHieuLuc` (if any) is at or after the start of P.
- "No DVC data of the agency" (every metric undefined): no dossier with `MaDonViXuLy` = the agency and no
  PAKN with `MaDonVi` = the agency, at any date, after exclusions. Apologies and ratings belong to an agency
  through their dossier, so they add nothing to that test.
- Excluded (quarantined) dossiers and PAKN records enter no metric, including the satisfaction rule that
  looks at every PAKN's `MaHoSo`.
- A PAKN record is answered when `NgayTraLoi` is set, as in the formula; the deadline is the end of the day
  15 working days after the date of `NgayTiepNhan`, counting from the next day.
- Working days are Monday to Friday minus every `ngay-nghi` date. A count that reaches a year with no
  `ngay-nghi` entry raises `UnknownCalendarYear` (sources.md §2.10): that year is unknown, not holiday-free.

Output: `{(agency_code, metric_code): (numerator, denominator, value)}` for every assessed agency active in
P and every code of `DVC_METRICS`. `value` is a `Decimal` rounded half-up to 4 places, `None` when the
denominator is 0; all three are `None` for an agency without DVC data.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

Record = Mapping[str, Any]
Row = tuple[int | None, int | None, Decimal | None]

DVC_METRICS = (
    "dvc.received",
    "dvc.on_time_rate",
    "dvc.no_due_date",
    "dvc.apology_rate",
    "dvc.online_rate",
    "dvc.online_payment_rate",
    "dvc.digitised_rate",
    "dvc.e_result_rate",
    "dvc.satisfaction_rate",
    "dvc.pakn_on_time_rate",
)
ASSESSED_UNIT_TYPES = frozenset({"so-ban-nganh", "xa-phuong", "cnvpdk", "quan-huyen"})

DOSSIER_STATUSES = frozenset(range(1, 11))
NOT_RECEIVED = frozenset({1, 3})
OUTSIDE_TIMELINESS = frozenset({1, 3, 7})
WAITING_FOR_APPLICANT = frozenset({5, 6})
PROCESSED = frozenset({9, 10})
ONLINE_CHANNEL = 2
PAID_ONLINE = frozenset({1, 2})
MAX_SUPPLEMENTS_ON_TIME = 1
PAKN_WORKING_DAYS = 15
APOLOGY_KIND = "Xin lỗi"
APOLOGY_DONE = "Đã xử lý"
DISSATISFIED = "KHÔNG HÀI LÒNG"

_NULL_DATETIME = "00010101000000"


class UnknownCalendarYear(ValueError):
    """A working-day count reached a year that `ngay-nghi` does not cover."""

    def __init__(self, year: int) -> None:
        super().__init__(f"no ngay-nghi entries for {year}: working days in that year are unknown")
        self.year = year


def dvc_metrics(
    *,
    year: int,
    as_of: datetime,
    dossiers: Iterable[Record],
    apologies: Iterable[Record],
    ratings: Iterable[Record],
    pakn: Iterable[Record],
    holidays: Iterable[Record],
    agencies: Iterable[Record],
    excluded_dossiers: Iterable[str] = frozenset(),
    excluded_pakn: Iterable[str] = frozenset(),
    period_start: date | None = None,
    period_end: date | None = None,
) -> dict[tuple[str, str], Row]:
    """Every DVC metric for every assessed agency active in P (default P: the calendar year `year`)."""
    period = Period.of(period_start or date(year, 1, 1), period_end or date(year, 12, 31), as_of)
    agency_records = _latest(agencies, "MaDinhDanh")
    aliases = agency_aliases(agency_records)
    calendar = WorkCalendar.from_records(holidays)

    excluded = {plain_ident(code) for code in excluded_dossiers}
    all_dossiers = [
        _Dossier.read(r, aliases)
        for r in _latest(dossiers, "MaHoSo")
        if plain_ident(r.get("MaHoSo")) not in excluded
    ]
    excluded_feedback = {plain_ident(key) for key in excluded_pakn}
    feedback = [r for r in _latest(pakn, "id") if plain_ident(r.get("id")) not in excluded_feedback]

    apologised = _apologised(_latest(apologies, "Id"), {d.code: d.due for d in all_dossiers})
    dissatisfied = _dissatisfied(_latest(ratings, "MaHoSo"), feedback)

    by_agency: dict[str, list[_Dossier]] = {}
    for dossier in all_dossiers:
        by_agency.setdefault(dossier.agency, []).append(dossier)
    feedback_by_agency: dict[str, list[Record]] = {}
    for record in feedback:
        feedback_by_agency.setdefault(_agency(record.get("MaDonVi"), aliases), []).append(record)

    results: dict[tuple[str, str], Row] = {}
    for agency in assessed_agencies(agency_records, period.start, period.end):
        own_dossiers = by_agency.get(agency, [])
        own_feedback = feedback_by_agency.get(agency, [])
        if own_dossiers or own_feedback:
            rows = {
                **_dossier_metrics(own_dossiers, period, apologised, dissatisfied),
                "dvc.pakn_on_time_rate": _pakn_on_time(own_feedback, period, calendar),
            }
        else:
            rows = dict.fromkeys(DVC_METRICS, (None, None, None))
        for code in DVC_METRICS:
            results[(agency, code)] = rows[code]
    return results


def dvc_metrics_from_truth(
    truth: Callable[[str], Iterable[Record]],
    *,
    year: int,
    as_of: datetime,
    excluded_dossiers: Iterable[str] = frozenset(),
    excluded_pakn: Iterable[str] = frozenset(),
) -> dict[tuple[str, str], Row]:
    """`dvc_metrics` over a simulator's ground truth, `truth(entity)` giving the records of a resource."""
    return dvc_metrics(
        year=year,
        as_of=as_of,
        dossiers=truth("ho-so"),
        apologies=truth("phieu-xin-loi"),
        ratings=truth("danh-gia"),
        pakn=truth("pakn"),
        holidays=truth("ngay-nghi"),
        agencies=truth("don-vi"),
        excluded_dossiers=excluded_dossiers,
        excluded_pakn=excluded_pakn,
    )


def round4(fraction: Fraction) -> Decimal:
    """Half-up (away from zero on a tie) to 4 decimal places, exactly: no binary float on the way."""
    scaled = abs(fraction) * 10_000
    units = (2 * scaled.numerator + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(-units if fraction < 0 else units).scaleb(-4)


@dataclass(frozen=True)
class Period:
    """[start, end) in local time; `end` is already cut at `as_of` for the year in progress."""

    start: datetime
    end: datetime

    @classmethod
    def of(cls, first_day: date, last_day: date, as_of: datetime) -> Period:
        start = datetime.combine(first_day, time())
        natural_end = datetime.combine(last_day + timedelta(days=1), time())
        return cls(start, min(natural_end, as_of))

    def contains(self, instant: datetime | None) -> bool:
        return instant is not None and self.start <= instant < self.end


class WorkCalendar:
    """Monday to Friday minus the `ngay-nghi` dates; refuses to count through a year it does not know."""

    def __init__(self, holidays: Iterable[date]) -> None:
        self._holidays = frozenset(holidays)
        self._known_years = frozenset(day.year for day in self._holidays)

    @classmethod
    def from_records(cls, records: Iterable[Record]) -> WorkCalendar:
        return cls(day for day in (_date(r.get("Ngay")) for r in records) if day is not None)

    def is_working_day(self, day: date) -> bool:
        if day.year not in self._known_years:
            raise UnknownCalendarYear(day.year)
        return day.weekday() < 5 and day not in self._holidays

    def add_working_days(self, day: date, count: int) -> date:
        """The date reached by counting `count` working days, starting the day after `day`."""
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day


@dataclass(frozen=True)
class _Dossier:
    code: str
    agency: str
    status: int
    received: datetime | None
    due: datetime | None
    end: datetime | None
    supplements: int
    channel: int | None
    has_fee: bool
    online_payment: int | None
    digitised: bool
    has_e_result: bool

    @classmethod
    def read(cls, record: Record, aliases: Mapping[str, str]) -> _Dossier:
        code = plain_ident(record.get("MaHoSo"))
        status = _int(record.get("TrangThaiHoSo"))
        if status not in DOSSIER_STATUSES:
            # The pipeline quarantines it (Q7); guessing its population here would hide a mismatch.
            raise ValueError(
                f"dossier {code}: TrangThaiHoSo {record.get('TrangThaiHoSo')!r} is not 1..10; exclude it"
            )
        ended = _datetime(record.get("NgayKetThucXuLy"))
        results = record.get("DanhSachGiayToKetQua") or []
        return cls(
            code=code,
            agency=_agency(record.get("MaDonViXuLy"), aliases),
            status=status,
            received=_datetime(record.get("NgayTiepNhan")),
            due=_datetime(record.get("NgayHenTra")),
            end=ended if ended is not None else _datetime(record.get("NgayTra")),
            supplements=len(record.get("DanhSachHoSoBoSung") or []),
            channel=_int(record.get("KenhThucHien")),
            has_fee=_flag(record.get("CoPhiLePhi")),
            online_payment=_int(record.get("DuocThanhToanTrucTuyen")),
            digitised=_flag(record.get("HoSoCoThanhPhanSoHoa")),
            has_e_result=any(plain_text(entry.get("DuongDanTepTinKetQua")) for entry in results),
        )

    def is_received_in(self, period: Period) -> bool:
        return self.status not in NOT_RECEIVED and period.contains(self.received)

    def is_timeliness_case(self, period: Period) -> bool:
        if self.status in OUTSIDE_TIMELINESS or self.due is None:
            return False
        if period.contains(self.end):
            return True
        still_open_at_end = self.end is None or self.end >= period.end
        return (
            still_open_at_end
            and self.received is not None
            and self.received < period.end
            and self.due < period.end
            and self.status not in WAITING_FOR_APPLICANT
        )

    def is_on_time(self) -> bool:
        return (
            self.end is not None
            and self.due is not None
            and self.end <= self.due
            and self.supplements <= MAX_SUPPLEMENTS_ON_TIME
        )


def _dossier_metrics(
    dossiers: list[_Dossier], period: Period, apologised: set[str], dissatisfied: set[str]
) -> dict[str, Row]:
    received = [d for d in dossiers if d.is_received_in(period)]
    timeliness = [d for d in dossiers if d.is_timeliness_case(period)]
    late = [d for d in timeliness if not d.is_on_time()]
    with_fee = [d for d in received if d.has_fee]
    processed = [d for d in dossiers if d.status in PROCESSED and period.contains(d.end)]
    no_due_date = [
        d for d in dossiers if d.status not in OUTSIDE_TIMELINESS and d.due is None and period.contains(d.end)
    ]
    satisfied = len(received) - sum(1 for d in received if d.code in dissatisfied)
    return {
        "dvc.received": _count(len(received)),
        "dvc.on_time_rate": _rate(len(timeliness) - len(late), len(timeliness)),
        "dvc.no_due_date": _count(len(no_due_date)),
        "dvc.apology_rate": _rate(sum(1 for d in late if d.code in apologised), len(late)),
        "dvc.online_rate": _rate(sum(1 for d in received if d.channel == ONLINE_CHANNEL), len(received)),
        "dvc.online_payment_rate": _rate(
            sum(1 for d in with_fee if d.online_payment in PAID_ONLINE), len(with_fee)
        ),
        "dvc.digitised_rate": _rate(sum(1 for d in received if d.digitised), len(received)),
        "dvc.e_result_rate": _rate(sum(1 for d in processed if d.has_e_result), len(processed)),
        "dvc.satisfaction_rate": _satisfaction(satisfied, len(received), len(late), len(timeliness)),
    }


def _satisfaction(satisfied: int, received: int, late: int, timeliness: int) -> Row:
    """value = max(0, satisfied/received − late share), the late share being 0 when T(P) is empty."""
    if received == 0:
        return satisfied, received, None
    late_share = Fraction(late, timeliness) if timeliness else Fraction(0)
    return satisfied, received, round4(max(Fraction(0), Fraction(satisfied, received) - late_share))


def _pakn_on_time(records: list[Record], period: Period, calendar: WorkCalendar) -> Row:
    numerator = denominator = 0
    for record in records:
        received = _datetime(record.get("NgayTiepNhan"))
        if not period.contains(received):
            continue
        last_day = calendar.add_working_days(received.date(), PAKN_WORKING_DAYS)
        deadline = datetime.combine(last_day + timedelta(days=1), time())
        answered = _datetime(record.get("NgayTraLoi"))
        if answered is None and deadline >= period.end:
            continue
        denominator += 1
        if answered is not None and answered < deadline:
            numerator += 1
    return _rate(numerator, denominator)


def _apologised(slips: Iterable[Record], due_by_dossier: Mapping[str, datetime | None]) -> set[str]:
    """Dossiers with a signed apology (`Đã xử lý`) whose signature is no later than the dossier's due time."""
    found = set()
    for slip in slips:
        code = plain_ident(slip.get("MaHoSo"))
        due = due_by_dossier.get(code)
        signed = _datetime(slip.get("NgayKy"))
        if (
            _same(slip.get("Loai"), APOLOGY_KIND)
            and _same(slip.get("TrangThai"), APOLOGY_DONE)
            and signed is not None
            and due is not None
            and signed <= due
        ):
            found.add(code)
    return found


def _dissatisfied(ratings: Iterable[Record], feedback: Iterable[Record]) -> set[str]:
    """Dossiers rated KHÔNG HÀI LÒNG, or named by any PAKN record whatever its date, status or agency."""
    rated = {plain_ident(r.get("MaHoSo")) for r in ratings if _same(r.get("DanhGia"), DISSATISFIED)}
    named = {plain_ident(r.get("MaHoSo")) for r in feedback if plain_ident(r.get("MaHoSo"))}
    return rated | named


def assessed_agencies(agencies: Iterable[Record], start: datetime, end: datetime) -> list[str]:
    """The assessed agencies of the agency table (`don-vi`, sources.md §2.5) active in [start, end): the
    other sources' oracles read the table through this too."""
    active = []
    for record in agencies:
        unit_type = plain_text(record.get("LoaiDonVi")).casefold()
        valid_from = _datetime(record.get("NgayHieuLuc"))
        valid_to = _datetime(record.get("NgayHetHieuLuc"))
        if (
            unit_type in ASSESSED_UNIT_TYPES
            and (valid_from is None or valid_from < end)
            and (valid_to is None or valid_to >= start)
        ):
            active.append(plain_ident(record.get("MaDinhDanh")))
    return sorted(active)


def agency_aliases(agencies: Iterable[Record]) -> dict[str, str]:
    """Each agency's code and old code (`MaDinhDanhCu`) to its code."""
    aliases = {}
    for record in agencies:
        code = plain_ident(record.get("MaDinhDanh"))
        aliases[code] = code
        old = plain_ident(record.get("MaDinhDanhCu"))
        if old:
            aliases[old] = code
    return aliases


def _agency(value: Any, aliases: Mapping[str, str]) -> str:
    code = plain_ident(value)
    return aliases.get(code, code)


def _latest(records: Iterable[Record], key_field: str) -> list[Record]:
    """The latest version of each key; a later record wins a tie (and records without a version)."""
    chosen: dict[str, tuple[str, Record]] = {}
    for record in records:
        key = plain_ident(record.get(key_field))
        version = plain_text(record.get("NgayCapNhat"))
        if key not in chosen or version >= chosen[key][0]:
            chosen[key] = (version, record)
    return [record for _, record in chosen.values()]


def _count(n: int) -> Row:
    return n, 1, round4(Fraction(n))


def _rate(numerator: int, denominator: int) -> Row:
    value = round4(Fraction(numerator, denominator)) if denominator else None
    return numerator, denominator, value


def plain_text(value: Any) -> str:
    """A received text as the oracles compare it: NFC, runs of white space (no-break ones too) as one space,
    `""` for an absent value."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).replace("\u00a0", " ").split())


def plain_ident(value: Any) -> str:
    """A received code or key: NFC, trimmed."""
    return unicodedata.normalize("NFC", "" if value is None else str(value)).strip()


def _same(value: Any, canonical: str) -> bool:
    return plain_text(value).casefold() == canonical.casefold()


def _int(value: Any) -> int | None:
    text = plain_text(value)
    return int(text) if text.isdigit() else None


def _flag(value: Any) -> bool:
    return plain_text(value) == "1"


def _datetime(value: Any) -> datetime | None:
    text = plain_text(value)
    if not text or text == _NULL_DATETIME:
        return None
    return datetime.strptime(text, "%Y%m%d%H%M%S")


def _date(value: Any) -> date | None:
    text = plain_text(value)
    return datetime.strptime(text, "%Y%m%d").date() if text else None
