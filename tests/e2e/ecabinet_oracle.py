"""Independent oracle for the E-CABINET metrics of metrics.md §0 and §3, in plain Python over contract
records.

It shares no code with `etl/` or `warehouse/` and uses only the standard library, so a mistake in the
pipeline is not mirrored here. Input records carry the field names and wire formats of sources.md §4 (what
the simulator's `sim.truth(entity)` returns): ISO date-times with an offset (none means +07:00, `Z` is
UTC), `yyyy-MM-dd` dates, `null` or `""` for absent values. Agencies are DVC `don-vi` records (§2.5),
read as the DVC oracle reads them.

Interpretations, where metrics.md leaves a choice:
- A record served in several versions counts once, in its latest `thoiGianCapNhat`.
- Meetings and polls belong to `owner`; tasks to `maDonViChuTri` in either code format.
- A meeting is paperless when `khongGiay` is true and, when its `taiLieu` is given, none has `kenh` giấy
  (Q19: the documents win).
- "The end of P" is the day after the period's last day at 00:00, or `as_of` when that is earlier. In the
  year in progress an open task whose deadline day has not ended by then leaves both counts.
- An agency without E-CABINET data (not the owner, no task at any date) gets (None, None, None).
- Excluded (quarantined) records, by key, enter no metric.

Output: `{(agency_code, metric_code): (numerator, denominator, value)}` for every assessed agency active in
P and each of `ECABINET_METRICS`; `value` is a `Decimal` rounded half-up to 4 places, None when the
denominator is 0.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from typing import Any

from tests.e2e.dvc_oracle import agency_aliases, assessed_agencies, plain_ident, plain_text

Record = Mapping[str, Any]
Row = tuple[int | None, int | None, Decimal | None]

ECABINET_METRICS = ("ecabinet.paperless_rate", "ecabinet.poll_response_rate", "ecabinet.task_on_time_rate")
LOCAL = timezone(timedelta(hours=7))
CANCELLED = "đã hủy"
NO_ANSWER = "chưa trả lời"
PAPER = "giấy"


def ecabinet_metrics(
    meetings: Iterable[Record],
    polls: Iterable[Record],
    tasks: Iterable[Record],
    agencies: Iterable[Record],
    owner: str,
    year: int,
    as_of: datetime,
    excluded: Mapping[str, set[str]] | None = None,
) -> dict[tuple[str, str], Row]:
    """Every E-CABINET metric of every assessed agency; `excluded` maps an entity to its quarantined keys."""
    excluded = excluded or {}
    agencies = list(agencies)
    aliases = agency_aliases(agencies)
    start = datetime(year, 1, 1)
    end = min(datetime(year + 1, 1, 1), as_of)

    def kept(records: Iterable[Record], entity: str) -> list[Record]:
        return [r for r in _latest(records) if plain_ident(r.get("ma")) not in excluded.get(entity, set())]

    meetings, polls, tasks = (
        kept(meetings, "cuoc-hop"),
        kept(polls, "phieu-lay-y-kien"),
        kept(tasks, "nhiem-vu"),
    )
    owner = aliases.get(owner, owner)
    task_agency = {plain_ident(t["ma"]): aliases.get(plain_ident(t.get("maDonViChuTri")), "") for t in tasks}
    with_data = {owner} | set(task_agency.values())

    held = [
        m
        for m in meetings
        if _in(_datetime(m.get("thoiGianBatDau")), start, end) and not _same(m, "trangThai", CANCELLED)
    ]
    paperless = _rate(sum(_is_paperless(m) for m in held), len(held))
    asked = [
        (member, _datetime(poll.get("hanTraLoi")))
        for poll in polls
        if _in(_datetime(poll.get("ngayGui")), start, end) and not _same(poll, "trangThai", CANCELLED)
        for member in poll.get("thanhVien") or []
    ]
    answered = sum(_answered_by(member, due) for member, due in asked)
    responses = _rate(answered, len(asked))

    out: dict[tuple[str, str], Row] = {}
    for agency in assessed_agencies(agencies, start, end):
        if agency not in with_data:
            for metric in ECABINET_METRICS:
                out[(agency, metric)] = (None, None, None)
            continue
        own = [t for t in tasks if task_agency[plain_ident(t["ma"])] == agency]
        counted = [t for t in own if _task_counts(t, year, end)]
        on_time = sum(_task_on_time(t) for t in counted)
        out[(agency, "ecabinet.paperless_rate")] = paperless if agency == owner else _rate(0, 0)
        out[(agency, "ecabinet.poll_response_rate")] = responses if agency == owner else _rate(0, 0)
        out[(agency, "ecabinet.task_on_time_rate")] = _rate(on_time, len(counted))
    return out


def ecabinet_metrics_from_truth(
    truth: Callable[[str], list[dict]],
    owner: str,
    year: int,
    as_of: datetime,
    excluded: Mapping[str, set[str]] | None = None,
) -> dict[tuple[str, str], Row]:
    """The oracle over a simulator's ground truth (`Simulation.truth`)."""
    return ecabinet_metrics(
        truth("cuoc-hop"),
        truth("phieu-lay-y-kien"),
        truth("nhiem-vu"),
        truth("don-vi"),
        owner,
        year,
        as_of,
        excluded,
    )


def _is_paperless(meeting: Record) -> bool:
    if meeting.get("khongGiay") is not True:
        return False
    return not any(_same(doc, "kenh", PAPER) for doc in meeting.get("taiLieu") or [])


def _answered_by(member: Record, due: datetime | None) -> bool:
    when = _datetime(member.get("thoiDiemTraLoi"))
    return not _same(member, "luaChon", NO_ANSWER) and when is not None and due is not None and when <= due


def _task_counts(task: Record, year: int, end: datetime) -> bool:
    due = _date(task.get("hanHoanThanh"))
    if due is None or due.year != year:
        return False
    done = _date(task.get("ngayHoanThanh"))
    # Open and its deadline day not over at the end of P: it can still be done on time.
    return done is not None or datetime.combine(due + timedelta(days=1), datetime.min.time()) <= end


def _task_on_time(task: Record) -> bool:
    done, due = _date(task.get("ngayHoanThanh")), _date(task.get("hanHoanThanh"))
    return done is not None and due is not None and done <= due


def _latest(records: Iterable[Record]) -> list[Record]:
    chosen: dict[str, tuple[datetime, Record]] = {}
    for record in records:
        key, version = plain_ident(record.get("ma")), _datetime(record.get("thoiGianCapNhat")) or datetime.min
        if key not in chosen or version >= chosen[key][0]:
            chosen[key] = (version, record)
    return [record for _, record in chosen.values()]


def _in(instant: datetime | None, start: datetime, end: datetime) -> bool:
    return instant is not None and start <= instant < end


def _rate(numerator: int, denominator: int) -> Row:
    if not denominator:
        return numerator, denominator, None
    scaled = Fraction(numerator, denominator) * 10_000
    return numerator, denominator, Decimal(math.floor(scaled + Fraction(1, 2))).scaleb(-4)


def _same(record: Record, field: str, canonical: str) -> bool:
    return plain_text(record.get(field)).casefold() == canonical.casefold()


def _datetime(value: Any) -> datetime | None:
    """ISO 8601 to naive local time: no offset means +07:00, `Z` and other offsets are converted."""
    text = plain_text(value)
    if not text:
        return None
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        return parsed
    return parsed.astimezone(LOCAL).replace(tzinfo=None)


def _date(value: Any) -> date | None:
    text = plain_text(value)
    return date.fromisoformat(text) if text else None
