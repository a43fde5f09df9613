"""Feedback and petitions (`pakn`, sources.md §2.9), answered within 15 working days most of the time."""

from dataclasses import dataclass

import numpy as np

from simulators.clock import DAY, HOUR, NEVER, from_days, to_days, wire
from simulators.dvc.agencies import Agency
from simulators.dvc.dossiers import COLUMN, DossierTable
from simulators.dvc.profiles import AgencyProfile
from simulators.hashing import guid, pick
from simulators.workdays import HolidayCalendar

CATEGORIES = ("Quy định hành chính", "Thủ tục hành chính", "Hành vi, thái độ cán bộ", "Khác")
# Event columns: received (Chờ tiếp nhận), accepted (Đã tiếp nhận), processing (Đang xử lý),
# answered (Đã trả lời, or Từ chối tiếp nhận when refused), published, answer rated.
STATUSES = ("Chờ tiếp nhận", "Đã tiếp nhận", "Đang xử lý")
ANSWERED, REFUSED = "Đã trả lời", "Từ chối tiếp nhận"
ANSWER_RATINGS = ("HÀI LÒNG", "KHÔNG HÀI LÒNG")
TITLES = (
    "Phản ánh về thời gian giải quyết hồ sơ",
    "Kiến nghị đơn giản hóa thành phần hồ sơ",
    "Phản ánh thái độ của cán bộ tiếp nhận",
    "Đề nghị hướng dẫn thủ tục trực tuyến",
    "Phản ánh về phí, lệ phí",
)
SENDERS = ("Lò Văn Thành", "Nguyễn Thị Thu", "Giàng A Páo", "Đỗ Văn Nam")


@dataclass
class FeedbackTable:
    keys: list[str]
    agency: np.ndarray  # int64 index into the agencies
    category: np.ndarray  # int8 index into CATEGORIES
    events: np.ndarray  # (n, 6) int64
    refused: np.ndarray  # bool
    dossier_code: list[str]  # "" when not about a dossier
    answer_rating: np.ndarray  # int8 index into ANSWER_RATINGS

    def __len__(self) -> int:
        return len(self.keys)


def answer_deadline(received: np.ndarray, calendar: HolidayCalendar, days: int = 15) -> np.ndarray:
    """The end of the day `days` working days after the date of receipt (metrics.md §1, §11.1)."""
    return from_days(calendar.add_working_days(to_days(received), np.full(len(received), days))) + DAY


def _within_or_after(start: np.ndarray, limit: np.ndarray, share_within: float, rng) -> np.ndarray:
    """A moment after `start`: before `limit` in `share_within` of the cases, else up to 5 days after it."""
    count = len(start)
    room = np.maximum(limit - HOUR - start, 0)
    within = start + (rng.uniform(0.05, 1.0, count) * room).astype(np.int64)
    return np.where(
        rng.random(count) < share_within,
        within,
        np.maximum(limit, start) + rng.integers(HOUR, 5 * DAY, count),
    )


def generate_feedback(
    count: int,
    agencies: list[Agency],
    profiles: dict[int, AgencyProfile],
    dossiers: DossierTable,
    calendar: HolidayCalendar,
    period: tuple[int, int],
    seed: int,
    rng,
    criteria,
) -> FeedbackTable:
    """`criteria` draws what metrics.md §12 added (refusal and publication times, ratings of answers)."""
    candidates = [i for i in profiles if agencies[i].unit_type != "quan-huyen"]
    weights = np.array([profiles[i].weight for i in candidates])
    agency = np.array(candidates)[rng.choice(len(candidates), size=count, p=weights / weights.sum())]
    received = np.sort(rng.integers(period[0], period[1], count))
    accepted = received + rng.integers(HOUR, 2 * DAY, count)
    refused = rng.random(count) < 0.05
    processing = np.where(refused, NEVER, accepted + rng.integers(HOUR, 2 * DAY, count))
    deadline = answer_deadline(received, calendar)
    on_time_share = np.array([profiles[int(i)].feedback_on_time for i in agency])
    in_time = (rng.random(count) < on_time_share) & (deadline - HOUR > processing)
    room = np.maximum(deadline - HOUR - processing, 0)
    answered = np.where(
        in_time,
        processing + (rng.uniform(0.1, 1.0, count) * room).astype(np.int64),
        np.maximum(deadline, processing) + rng.integers(HOUR, 20 * DAY, count),
    )
    # metrics.md §12: refusals within 2 working days in 80 %; answers published in 85 %, within 2 working
    # days of the answer in 80 % of those; the answer rated in 50 %, "KHÔNG HÀI LÒNG" in 5–15 % per agency.
    refusal = _within_or_after(received, answer_deadline(received, calendar, 2), 0.8, criteria)
    answered = np.where(refused, refusal, np.where(rng.random(count) < 0.03, NEVER, answered))
    accepted = np.where(refused, NEVER, accepted)
    has_answer = (answered < NEVER) & ~refused
    publication = _within_or_after(
        answered, answer_deadline(np.minimum(answered, period[1]), calendar, 2), 0.8, criteria
    )
    published = np.where(has_answer & (rng.random(count) < 0.85), publication, NEVER)
    rated = np.where(
        has_answer & (rng.random(count) < 0.5), answered + rng.integers(HOUR, 5 * DAY, count), NEVER
    )
    unhappy = criteria.uniform(0.05, 0.15, len(agencies))[agency]
    return FeedbackTable(
        keys=[guid(seed, 11, position) for position in range(count)],
        agency=agency,
        category=rng.choice(4, size=count, p=[0.2, 0.45, 0.15, 0.2]).astype(np.int8),
        events=np.stack([received, accepted, processing, answered, published, rated], axis=1).astype(
            np.int64
        ),
        refused=refused,
        dossier_code=_related_dossiers(agency, received, dossiers, rng),
        answer_rating=(criteria.random(count) < unhappy).astype(np.int8),
    )


def _related_dossiers(agency, received, dossiers: DossierTable, rng) -> list[str]:
    """A quarter of the feedback names a dossier of the same agency submitted before it."""
    submitted = dossiers.events[:, COLUMN["submitted"]]
    order = np.lexsort((submitted, dossiers.agency))
    sorted_submitted = submitted[order]
    bounds = np.searchsorted(dossiers.agency[order], np.arange(int(dossiers.agency.max(initial=0)) + 2))
    codes = []
    draws = rng.random(len(agency)).tolist()
    for index, moment, draw in zip(agency.tolist(), received.tolist(), draws, strict=True):
        start, stop = (bounds[index], bounds[index + 1]) if index + 1 < len(bounds) else (0, 0)
        earlier = int(np.searchsorted(sorted_submitted[start:stop], moment))
        codes.append(dossiers.keys[order[start + int(draw * 4 * earlier)]] if draw < 0.25 and earlier else "")
    return codes


def feedback_record(
    table: FeedbackTable, index: int, moment: int, version: int, agencies: list[Agency]
) -> dict:
    received, accepted, processing, answered, published, rated = (int(t) for t in table.events[index])
    if answered <= moment:
        status = REFUSED if table.refused[index] else ANSWERED
    else:
        status = STATUSES[
            max(stage for stage, t in enumerate((received, accepted, processing)) if t <= moment)
        ]
    is_published = published <= moment
    return {
        "id": table.keys[index],
        "MaDonVi": agencies[table.agency[index]].code,
        "PhanLoai": CATEGORIES[table.category[index]],
        "TieuDe": pick(TITLES, index),
        "NguoiGui": pick(SENDERS, index, 3),
        "NgayTiepNhan": wire(received),
        "NgayTraLoi": wire(answered) if answered <= moment else "",
        "NgayCongKhai": wire(published) if is_published else "",
        "TrangThai": status,
        "CongKhai": "1" if is_published else "0",
        "MaHoSo": table.dossier_code[index],
        "DanhGiaTraLoi": ANSWER_RATINGS[table.answer_rating[index]] if rated <= moment else "",
        "NgayCapNhat": wire(version),
    }
