"""Independent oracle for the Decision 766 DVC metrics of metrics.md §11.1, in plain Python over contract
records.

Like `tests/e2e/dvc_oracle.py`, whose tolerant readers and calendar it reuses, it shares no code with `etl/`
or `warehouse/`: the formulas of §11.1 are written again here from the contract, over the records the
simulator generated (`sim.truth(entity)`), so that they stay valid whatever distributions it draws.

Interpretations, where metrics.md leaves a choice (beside those of `dvc_oracle`):
- Proc(A) is every `thu-tuc` record (latest version) with `TrangThai` "Đang áp dụng" whose `MaCoQuanThucHien`,
  each code mapped to its current format, contains A. A dossier's procedure is its `MaTTHC`, or the
  procedure whose `MaTTHCNgan` it names (Q9).
- "The end of the N-th working day after d" is the day after that working day at 00:00; a limit is met by a
  time strictly before it (metrics.md §1).
- PAKN pending (§13.9): no `NgayTraLoi` and the 15-day limit at or after the end of P; or `TrangThai` "Đã
  trả lời" with no `NgayCongKhai` and the publication limit at or after the end of P, whether or not the
  answer was late. W(P) keeps dossiers of every status but 1, 3 and 7.

Output: `{(agency_code, metric_code): (numerator, denominator, value)}` for every assessed agency active in P
and every code of `PORTAL_METRICS`; all three `None` for an agency without DVC data (dossier or PAKN).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from fractions import Fraction

from tests.e2e.dvc_oracle import (
    DISSATISFIED,
    NOT_RECEIVED,
    ONLINE_CHANNEL,
    OUTSIDE_TIMELINESS,
    PAID_ONLINE,
    PAKN_WORKING_DAYS,
    PROCESSED,
    Period,
    Record,
    Row,
    WorkCalendar,
    _agency,
    _datetime,
    _Dossier,
    _flag,
    _int,
    _latest,
    _rate,
    _same,
    agency_aliases,
    assessed_agencies,
    plain_ident,
    plain_text,
    round4,
)

PORTAL_METRICS = (
    "dvc.progress_rate",
    "dvc.avg_processing_days",
    "dvc.online_procedure_rate",
    "dvc.online_service_use_rate",
    "dvc.full_online_share",
    "dvc.e_result_paper_rate",
    "dvc.digitised_complete_rate",
    "dvc.reuse_rate",
    "dvc.national_store_rate",
    "dvc.vneid_rate",
    "dvc.pakn_deadlines_rate",
    "dvc.pakn_satisfaction_rate",
    "dvc.fee_procedure_paid_online_rate",
    "dvc.fee_procedure_online_rate",
)
IN_FORCE = "Đang áp dụng"
ONLINE_LEVELS = frozenset({3, 4})
FULLY_ONLINE = 4
REUSED = frozenset({"1", "2"})
CITIZEN = 1
REFUSED = "Từ chối tiếp nhận"
ANSWERED = "Đã trả lời"
REFUSAL_WORKING_DAYS = 2
PUBLICATION_WORKING_DAYS = 2
MINUTES_PER_DAY = 1440


@dataclass(frozen=True)
class Procedure:
    code: str
    level: int | None
    has_fee: bool
    paper_result: bool
    in_force: bool
    agencies: frozenset[str]


@dataclass(frozen=True)
class PortalDossier:
    """A dossier as §1 reads it (`base`), with what §11.1 reads beside."""

    base: _Dossier
    procedure: str
    level: int | None
    citizen: bool
    vneid: bool
    reused: bool
    national_store: bool
    supplement_pause: timedelta

    @classmethod
    def read(
        cls, record: Record, aliases: Mapping[str, str], short_codes: Mapping[str, str]
    ) -> PortalDossier:
        components = record.get("TaiLieuNop") or []
        pause = timedelta()
        for entry in record.get("DanhSachHoSoBoSung") or []:
            requested = _datetime(entry.get("NgayYeuCauBoSung"))
            supplemented = _datetime(entry.get("NgayTiepNhanBoSung"))
            if requested is not None and supplemented is not None:
                pause += supplemented - requested
        code = plain_ident(record.get("MaTTHC"))
        return cls(
            base=_Dossier.read(record, aliases),
            procedure=short_codes.get(code, code),
            level=_int(record.get("MucDo")),
            citizen=_int(record.get("LoaiDoiTuong")) == CITIZEN,
            vneid=_flag(record.get("TaiKhoanDuocXacThucVoiVNeID")),
            reused=any(plain_text(entry.get("DuocTaiSuDung")) in REUSED for entry in components),
            national_store=any(_flag(entry.get("DuocLayTuKhoDMQG")) for entry in components),
            supplement_pause=pause,
        )

    def is_completed_in(self, period: Period) -> bool:
        return self.base.status in PROCESSED and period.contains(self.base.end)

    def is_within_time(self, period: Period) -> bool:
        """W(P): still within time when P closes (metrics.md §11.1)."""
        d = self.base
        return (
            d.status not in OUTSIDE_TIMELINESS
            and d.due is not None
            and d.received is not None
            and d.received < period.end
            and (d.end is None or d.end >= period.end)
            and d.due >= period.end
        )

    def processing_minutes(self) -> int:
        elapsed = self.base.end - self.base.received - self.supplement_pause
        return max(0, int(elapsed.total_seconds()) // 60)


def dvc_portal_metrics(
    *,
    year: int,
    as_of: datetime,
    dossiers: Iterable[Record],
    pakn: Iterable[Record],
    procedures: Iterable[Record],
    holidays: Iterable[Record],
    agencies: Iterable[Record],
    excluded_dossiers: Iterable[str] = frozenset(),
    excluded_pakn: Iterable[str] = frozenset(),
) -> dict[tuple[str, str], Row]:
    """Every metric of §11.1 for every assessed agency active in the calendar year `year`."""
    period = Period.of(date(year, 1, 1), date(year, 12, 31), as_of)
    agency_records = _latest(agencies, "MaDinhDanh")
    aliases = agency_aliases(agency_records)
    calendar = WorkCalendar.from_records(holidays)
    procedure_records = _latest(procedures, "MaTTHC")
    catalogue = [_procedure(r, aliases) for r in procedure_records]
    paper_result = {p.code: p.paper_result for p in catalogue}
    short_codes = {plain_ident(r.get("MaTTHCNgan")): plain_ident(r.get("MaTTHC")) for r in procedure_records}
    in_force = [p for p in catalogue if p.in_force]

    excluded = {plain_ident(code) for code in excluded_dossiers}
    by_agency: dict[str, list[PortalDossier]] = {}
    for record in _latest(dossiers, "MaHoSo"):
        if plain_ident(record.get("MaHoSo")) not in excluded:
            dossier = PortalDossier.read(record, aliases, short_codes)
            by_agency.setdefault(dossier.base.agency, []).append(dossier)
    excluded_feedback = {plain_ident(key) for key in excluded_pakn}
    feedback_by_agency: dict[str, list[Record]] = {}
    for record in _latest(pakn, "id"):
        if plain_ident(record.get("id")) not in excluded_feedback:
            feedback_by_agency.setdefault(_agency(record.get("MaDonVi"), aliases), []).append(record)

    results: dict[tuple[str, str], Row] = {}
    for agency in assessed_agencies(agency_records, period.start, period.end):
        own = by_agency.get(agency, [])
        feedback = feedback_by_agency.get(agency, [])
        if own or feedback:
            procs = [p for p in in_force if agency in p.agencies]
            rows = {
                **_dossier_metrics(own, period, paper_result),
                **_procedure_metrics(procs, own, period),
                **_pakn_metrics(feedback, period, calendar),
            }
        else:
            rows = dict.fromkeys(PORTAL_METRICS, (None, None, None))
        for code in PORTAL_METRICS:
            results[(agency, code)] = rows[code]
    return results


def dvc_portal_metrics_from_truth(
    truth: Callable[[str], Iterable[Record]], **options
) -> dict[tuple[str, str], Row]:
    """`dvc_portal_metrics` over a simulator's ground truth, `truth(entity)` giving a resource's records;
    `options` are the other keywords of `dvc_portal_metrics`."""
    entities = {
        "dossiers": "ho-so",
        "pakn": "pakn",
        "procedures": "thu-tuc",
        "holidays": "ngay-nghi",
        "agencies": "don-vi",
    }
    return dvc_portal_metrics(**{name: truth(entity) for name, entity in entities.items()}, **options)


def _procedure(record: Record, aliases: Mapping[str, str]) -> Procedure:
    return Procedure(
        code=plain_ident(record.get("MaTTHC")),
        level=_int(record.get("MucDo")),
        has_fee=_flag(record.get("CoPhiLePhi")),
        paper_result=_flag(record.get("KetQuaGiay")),
        in_force=_same(record.get("TrangThai"), IN_FORCE),
        agencies=frozenset(_agency(code, aliases) for code in record.get("MaCoQuanThucHien") or []),
    )


def _dossier_metrics(
    dossiers: list[PortalDossier], period: Period, paper_result: Mapping[str, bool]
) -> dict[str, Row]:
    received = [d for d in dossiers if d.base.status not in NOT_RECEIVED and period.contains(d.base.received)]
    timeliness = [d for d in dossiers if d.base.is_timeliness_case(period)]
    within_time = [d for d in dossiers if d.is_within_time(period)]
    completed = [d for d in dossiers if d.is_completed_in(period)]
    paper = [d for d in completed if paper_result.get(d.procedure, False)]
    fully_online = [d for d in received if d.level == FULLY_ONLINE]
    citizens = [d for d in received if d.citizen]
    progressing = sum(1 for d in timeliness if d.base.is_on_time()) + sum(
        1 for d in within_time if d.base.supplements <= 1
    )
    minutes = sum(d.processing_minutes() for d in completed)
    return {
        "dvc.progress_rate": _rate(progressing, len(timeliness) + len(within_time)),
        "dvc.avg_processing_days": (
            minutes,
            len(completed),
            round4(Fraction(minutes, len(completed) * MINUTES_PER_DAY)) if completed else None,
        ),
        "dvc.full_online_share": _rate(
            sum(1 for d in fully_online if d.base.channel == ONLINE_CHANNEL), len(fully_online)
        ),
        "dvc.e_result_paper_rate": _rate(sum(1 for d in paper if d.base.has_e_result), len(paper)),
        "dvc.digitised_complete_rate": _rate(
            sum(
                1
                for d in completed
                if d.base.digitised and (d.base.has_e_result or not paper_result.get(d.procedure, False))
            ),
            len(completed),
        ),
        "dvc.reuse_rate": _rate(sum(1 for d in received if d.reused), len(received)),
        "dvc.national_store_rate": _rate(sum(1 for d in received if d.national_store), len(received)),
        "dvc.vneid_rate": _rate(sum(1 for d in citizens if d.vneid), len(citizens)),
    }


def _procedure_metrics(
    procs: list[Procedure], dossiers: list[PortalDossier], period: Period
) -> dict[str, Row]:
    received = [d for d in dossiers if d.base.status not in NOT_RECEIVED and period.contains(d.base.received)]
    used_online = {d.procedure for d in received if d.base.channel == ONLINE_CHANNEL}
    paid_online = {d.procedure for d in received if d.base.online_payment in PAID_ONLINE}
    online = [p for p in procs if p.level in ONLINE_LEVELS]
    with_fee = [p for p in procs if p.has_fee]
    return {
        "dvc.online_procedure_rate": _rate(len(online), len(procs)),
        "dvc.online_service_use_rate": _rate(sum(1 for p in online if p.code in used_online), len(online)),
        "dvc.fee_procedure_paid_online_rate": _rate(
            sum(1 for p in with_fee if p.code in paid_online), len(with_fee)
        ),
        "dvc.fee_procedure_online_rate": _rate(
            sum(1 for p in with_fee if p.level in ONLINE_LEVELS), len(with_fee)
        ),
    }


def _end_of_working_day(calendar: WorkCalendar, day: date, count: int) -> datetime:
    """The end of the `count`-th working day after `day`: the next day at 00:00."""
    return datetime.combine(calendar.add_working_days(day, count) + timedelta(days=1), time())


def _pakn_metrics(records: list[Record], period: Period, calendar: WorkCalendar) -> dict[str, Row]:
    counted = within = satisfied = 0
    for record in records:
        received = _datetime(record.get("NgayTiepNhan"))
        if not period.contains(received):
            continue
        answered = _datetime(record.get("NgayTraLoi"))
        published = _datetime(record.get("NgayCongKhai"))
        answer_limit = _end_of_working_day(calendar, received.date(), PAKN_WORKING_DAYS)
        if answered is None and answer_limit >= period.end:
            continue
        is_answer = _same(record.get("TrangThai"), ANSWERED)
        publication_limit = (
            _end_of_working_day(calendar, answered.date(), PUBLICATION_WORKING_DAYS) if answered else None
        )
        if is_answer and published is None and publication_limit >= period.end:
            continue
        counted += 1
        if _same(record.get("TrangThai"), REFUSED):
            ok = answered < _end_of_working_day(calendar, received.date(), REFUSAL_WORKING_DAYS)
        elif is_answer:
            ok = answered < answer_limit and published is not None and published < publication_limit
        else:
            ok = False
        within += ok
        satisfied += ok and not _same(record.get("DanhGiaTraLoi"), DISSATISFIED)
    return {
        "dvc.pakn_deadlines_rate": _rate(within, counted),
        "dvc.pakn_satisfaction_rate": _rate(satisfied, counted),
    }
